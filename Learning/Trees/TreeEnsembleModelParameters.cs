using NetflixML.Learning.Models;

namespace NetflixML.Learning.Trees;

/// <summary>
/// A tree ensemble: score = Scale x sum of tree outputs (Scale 1 for boosting; 1/trees for the forest, whose
/// score is the mean).
/// For scoring, every tree is flattened into slots (its split nodes, then its leaves); a leaf slot points to
/// itself, so a tree can be walked for a fixed number of steps (its depth) without testing for the end, and four
/// trees are walked side by side: their independent load chains overlap, and no step has a branch to mispredict.
/// </summary>
public sealed class TreeEnsembleModelParameters : IScoreFunction
{
    private readonly int[] _feature;
    private readonly float[] _threshold;
    private readonly byte[] _defaultLeft;
    private readonly int[] _children;
    private readonly double[] _value;
    private readonly int[] _root;
    private readonly int[] _depth;

    public TreeEnsembleModelParameters(IReadOnlyList<RegressionTree> trees, double scale, int width)
    {
        Trees = trees;
        Scale = scale;
        Width = width;
        var slots = trees.Sum(t => t.SplitFeature.Length + t.Leaves);
        _feature = new int[slots];
        _threshold = new float[slots];
        _defaultLeft = new byte[slots];
        _children = new int[2 * slots];
        _value = new double[slots];
        _root = new int[trees.Count];
        _depth = new int[trees.Count];
        var next = 0;
        for (var t = 0; t < trees.Count; t++)
        {
            var tree = trees[t];
            var nodes = tree.SplitFeature.Length;
            int Slot(int child) => child >= 0 ? next + child : next + nodes + ~child;
            for (var i = 0; i < nodes; i++)
            {
                if (tree.SplitFeature[i] < 0 || tree.SplitFeature[i] >= width)
                {
                    throw new ArgumentException($"Tree {t} splits on feature {tree.SplitFeature[i]}, outside 0..{width - 1}.", nameof(trees));
                }

                _feature[next + i] = tree.SplitFeature[i];
                _threshold[next + i] = tree.Threshold[i];
                _defaultLeft[next + i] = tree.DefaultLeft[i] ? (byte)1 : (byte)0;
                _children[2 * (next + i)] = Slot(tree.Left[i]);
                _children[2 * (next + i) + 1] = Slot(tree.Right[i]);
            }

            for (var l = 0; l < tree.Leaves; l++)
            {
                var slot = next + nodes + l;
                _threshold[slot] = float.PositiveInfinity;
                _children[2 * slot] = slot;
                _children[2 * slot + 1] = slot;
                _value[slot] = tree.LeafValue[l];
            }

            _root[t] = next;
            _depth[t] = Depth(tree);
            next += nodes + tree.Leaves;
        }

        // Walk trees in order of depth, so the four walked together need about the same number of steps.
        var order = Enumerable.Range(0, trees.Count).OrderBy(t => _depth[t]).ThenBy(t => t).ToArray();
        _root = order.Select(t => _root[t]).ToArray();
        _depth = order.Select(t => _depth[t]).ToArray();
    }

    public string Kind => "trees";

    public int Width { get; }

    public IReadOnlyList<RegressionTree> Trees { get; }

    public double Scale { get; }

    public unsafe double Score(ReadOnlySpan<float> features)
    {
        if (features.Length < Width)
        {
            throw new ArgumentException($"{features.Length} features; the ensemble reads {Width}.", nameof(features));
        }

        double score = 0;
        var trees = _root.Length;
        fixed (float* x = features)
        fixed (int* feature = _feature)
        fixed (float* threshold = _threshold)
        fixed (byte* defaultLeft = _defaultLeft)
        fixed (int* children = _children)
        fixed (double* value = _value)
        {
            var t = 0;
            for (; t + 3 < trees; t += 4)
            {
                int n0 = _root[t], n1 = _root[t + 1], n2 = _root[t + 2], n3 = _root[t + 3];
                var steps = Math.Max(Math.Max(_depth[t], _depth[t + 1]), Math.Max(_depth[t + 2], _depth[t + 3]));
                for (var d = 0; d < steps; d++)
                {
                    n0 = children[2 * n0 + GoesRight(x[feature[n0]], threshold[n0], defaultLeft[n0])];
                    n1 = children[2 * n1 + GoesRight(x[feature[n1]], threshold[n1], defaultLeft[n1])];
                    n2 = children[2 * n2 + GoesRight(x[feature[n2]], threshold[n2], defaultLeft[n2])];
                    n3 = children[2 * n3 + GoesRight(x[feature[n3]], threshold[n3], defaultLeft[n3])];
                }

                score += value[n0] + value[n1] + value[n2] + value[n3];
            }

            for (; t < trees; t++)
            {
                var n = _root[t];
                for (var d = 0; d < _depth[t]; d++)
                {
                    n = children[2 * n + GoesRight(x[feature[n]], threshold[n], defaultLeft[n])];
                }

                score += value[n];
            }
        }

        return score * Scale;
    }

    /// <summary>0 to go left (value at or below the threshold, or missing with a left default), 1 to go right.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static int GoesRight(float x, float threshold, byte defaultLeft)
    {
        var left = (x <= threshold ? 1 : 0) | ((float.IsNaN(x) ? 1 : 0) & defaultLeft);
        return left ^ 1;
    }

    private static int Depth(RegressionTree tree)
    {
        if (tree.SplitFeature.Length == 0)
        {
            return 0;
        }

        var depth = new int[tree.SplitFeature.Length];
        var max = 1;
        depth[0] = 1;
        // Children come after their parents, so one pass in index order sees every parent first.
        for (var i = 0; i < tree.SplitFeature.Length; i++)
        {
            foreach (var child in new[] { tree.Left[i], tree.Right[i] })
            {
                if (child >= 0)
                {
                    depth[child] = depth[i] + 1;
                    max = Math.Max(max, depth[child]);
                }
            }
        }

        return max;
    }

    public double Contributions(ReadOnlySpan<float> features, Span<double> contributions)
    {
        contributions.Clear();
        double bias = 0;
        foreach (var tree in Trees)
        {
            bias += tree.AddContributions(features, contributions, Scale);
        }

        return bias;
    }

    public void Write(BinaryWriter writer)
    {
        writer.Write(Width);
        writer.Write(Scale);
        writer.Write(Trees.Count);
        foreach (var tree in Trees)
        {
            tree.Write(writer);
        }
    }

    public static TreeEnsembleModelParameters Read(BinaryReader reader)
    {
        var width = reader.ReadInt32();
        var scale = reader.ReadDouble();
        var count = reader.ReadInt32();
        if (width < 0 || count is < 0 or > 100_000)
        {
            throw new InvalidDataException($"Implausible ensemble header: width {width}, {count} trees.");
        }

        var trees = new RegressionTree[count];
        for (var t = 0; t < count; t++)
        {
            trees[t] = RegressionTree.Read(reader, width);
        }

        return new TreeEnsembleModelParameters(trees, scale, width);
    }
}
