namespace NetflixML.Learning.Trees;

/// <summary>
/// One regression tree. Internal node i splits on SplitFeature[i]: a value at or below Threshold[i] goes left, a
/// missing value goes where DefaultLeft[i] says. Children are node indices (non-negative) or ~leaf (negative).
/// NodeValue holds each internal node's mean output over its training rows (for path contributions).
/// </summary>
public sealed class RegressionTree
{
    public RegressionTree(int[] splitFeature, float[] threshold, bool[] defaultLeft, int[] left, int[] right, double[] leafValue, double[] nodeValue)
    {
        SplitFeature = splitFeature;
        Threshold = threshold;
        DefaultLeft = defaultLeft;
        Left = left;
        Right = right;
        LeafValue = leafValue;
        NodeValue = nodeValue;
    }

    public int[] SplitFeature { get; }

    public float[] Threshold { get; }

    public bool[] DefaultLeft { get; }

    public int[] Left { get; }

    public int[] Right { get; }

    public double[] LeafValue { get; }

    public double[] NodeValue { get; }

    public int Leaves => LeafValue.Length;

    /// <summary>The leaf a row falls in.</summary>
    public int LeafOf(ReadOnlySpan<float> features)
    {
        if (SplitFeature.Length == 0)
        {
            return 0;
        }

        var node = 0;
        while (node >= 0)
        {
            var x = features[SplitFeature[node]];
            node = x <= Threshold[node] || (float.IsNaN(x) && DefaultLeft[node]) ? Left[node] : Right[node];
        }

        return ~node;
    }

    public double Output(ReadOnlySpan<float> features) => LeafValue[LeafOf(features)];

    /// <summary>Adds (child value - node value) to the split feature at every node on the row's path; returns the root value.</summary>
    public double AddContributions(ReadOnlySpan<float> features, Span<double> contributions, double scale)
    {
        if (SplitFeature.Length == 0)
        {
            return LeafValue[0] * scale;
        }

        var node = 0;
        while (node >= 0)
        {
            var f = SplitFeature[node];
            var x = features[f];
            var next = x <= Threshold[node] || (float.IsNaN(x) && DefaultLeft[node]) ? Left[node] : Right[node];
            var nextValue = next >= 0 ? NodeValue[next] : LeafValue[~next];
            contributions[f] += (nextValue - NodeValue[node]) * scale;
            node = next;
        }

        return NodeValue[0] * scale;
    }

    public void Write(BinaryWriter writer)
    {
        writer.Write(SplitFeature.Length);
        writer.Write(LeafValue.Length);
        for (var i = 0; i < SplitFeature.Length; i++)
        {
            writer.Write(SplitFeature[i]);
            writer.Write(Threshold[i]);
            writer.Write(DefaultLeft[i]);
            writer.Write(Left[i]);
            writer.Write(Right[i]);
            writer.Write(NodeValue[i]);
        }

        foreach (var v in LeafValue)
        {
            writer.Write(v);
        }
    }

    public static RegressionTree Read(BinaryReader reader, int features)
    {
        var nodes = reader.ReadInt32();
        var leaves = reader.ReadInt32();
        if (nodes < 0 || leaves != nodes + 1)
        {
            throw new InvalidDataException($"A tree with {nodes} splits must have {nodes + 1} leaves, not {leaves}.");
        }

        var split = new int[nodes];
        var threshold = new float[nodes];
        var defaultLeft = new bool[nodes];
        var left = new int[nodes];
        var right = new int[nodes];
        var nodeValue = new double[nodes];
        for (var i = 0; i < nodes; i++)
        {
            split[i] = reader.ReadInt32();
            threshold[i] = reader.ReadSingle();
            defaultLeft[i] = reader.ReadBoolean();
            left[i] = reader.ReadInt32();
            right[i] = reader.ReadInt32();
            nodeValue[i] = reader.ReadDouble();
            if (split[i] < 0 || split[i] >= features || !ValidChild(i, left[i], nodes, leaves) || !ValidChild(i, right[i], nodes, leaves))
            {
                throw new InvalidDataException($"Tree node {i} refers to a feature or child that does not exist.");
            }
        }

        var leafValue = new double[leaves];
        for (var i = 0; i < leaves; i++)
        {
            leafValue[i] = reader.ReadDouble();
        }

        return new RegressionTree(split, threshold, defaultLeft, left, right, leafValue, nodeValue);
    }

    // Internal children come after their parent (so a file cannot describe a cycle); leaves must exist.
    private static bool ValidChild(int parent, int child, int nodes, int leaves) => child >= 0 ? child < nodes && child > parent : ~child < leaves;
}
