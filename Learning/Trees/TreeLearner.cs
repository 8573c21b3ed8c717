using System.Runtime.Intrinsics;
using NetflixML.Learning.Core;

namespace NetflixML.Learning.Trees;

/// <summary>The structure of a grown tree, with each leaf's rows as a segment of <see cref="Rows"/>.</summary>
internal sealed class GrownTree
{
    public required int[] SplitFeature { get; init; }
    public required int[] ThresholdBin { get; init; }
    public required bool[] DefaultLeft { get; init; }
    public required int[] Left { get; init; }
    public required int[] Right { get; init; }
    public required int[] LeafBegin { get; init; }
    public required int[] LeafEnd { get; init; }

    /// <summary>The learner's row partition; valid until it grows the next tree.</summary>
    public required int[] Rows { get; init; }

    public int Leaves => LeafBegin.Length;

    public ReadOnlySpan<int> LeafRows(int leaf) => Rows.AsSpan(LeafBegin[leaf], LeafEnd[leaf] - LeafBegin[leaf]);

    /// <summary>The tree with thresholds in feature units and the given leaf outputs.</summary>
    public RegressionTree ToRegressionTree(BinnedMatrix data, double[] leafValues)
    {
        var nodes = SplitFeature.Length;
        var threshold = new float[nodes];
        for (var i = 0; i < nodes; i++)
        {
            threshold[i] = data.UpperBounds[SplitFeature[i]][ThresholdBin[i] - 1];
        }

        // Node value: the row-weighted mean of the leaf outputs below (children are created after parents).
        var weight = new double[nodes];
        var value = new double[nodes];
        for (var i = nodes - 1; i >= 0; i--)
        {
            double w = 0, v = 0;
            foreach (var child in new[] { Left[i], Right[i] })
            {
                var (cw, cv) = child >= 0 ? (weight[child], value[child]) : (LeafEnd[~child] - LeafBegin[~child], leafValues[~child]);
                w += cw;
                v += cw * cv;
            }

            weight[i] = w;
            value[i] = w > 0 ? v / w : 0;
        }

        return new RegressionTree(SplitFeature, threshold, DefaultLeft, Left, Right, leafValues, value);
    }
}

/// <summary>
/// Grows one least-squares regression tree on histograms of binned features, leaf-wise (always splitting the leaf
/// with the largest gain, as FastTree does) up to a leaf budget. The split gain is ML.NET's least-squares gain,
/// sumL^2/nL + sumR^2/nR - sum^2/n, each side holding at least the minimum rows. Missing values (bin 0) try both
/// sides and the better becomes the node's default direction. Histograms of the smaller child are built from its
/// rows; the larger child's are the parent's minus the smaller's. Histogram building is split across features,
/// so the result is the same whatever the thread count. Each bin is four doubles (target sum, hessian sum, count,
/// padding) and each row's (target, hessian, 1, 0) is gathered once per leaf, so adding a row to a bin is one
/// 256-bit load-add-store instead of three scalar ones (histogram building is bound by those stores).
/// </summary>
internal sealed class TreeLearner
{
    private readonly BinnedMatrix _data;
    private readonly int _maxLeaves;
    private readonly int _minLeaf;
    private readonly ParallelOptions? _parallel;
    private readonly int[] _rows;
    private readonly int[] _temp;
    private readonly double[] _ordered;
    private const int Stride = 4;

    // Histogram memory per learner; beyond it, the least promising leaves give up their histograms.
    private const long HistogramBudgetBytes = 48L << 20;

    // Per histogram slot: 4 doubles per bin (sum of targets, sum of hessians, count, unused).
    private readonly double[][] _histograms;
    private readonly int[] _leafBegin;
    private readonly int[] _leafEnd;
    private readonly int[] _leafSlot;
    private readonly int[] _slotOwner;
    private readonly double[] _leafSum;
    private readonly double[] _leafHessian;
    private readonly bool[][] _leafFeatures;
    private readonly Split[] _best;
    private readonly int[] _leafParent;
    private double[] _targets = [];
    private double[]? _hessians;
    private bool[] _treeFeatures = [];

    public TreeLearner(BinnedMatrix data, int maxLeaves, int minLeaf, ParallelOptions? parallel)
    {
        _data = data;
        _maxLeaves = maxLeaves;
        _minLeaf = minLeaf;
        _parallel = parallel;
        _rows = new int[data.Rows];
        _temp = new int[data.Rows];
        _ordered = new double[Stride * data.Rows];
        // No bins at all (every column encodes to nothing, such as a category never seen): no split exists, and each
        // tree is one leaf, the base rate.
        var slots = (int)Math.Clamp(HistogramBudgetBytes / (Stride * sizeof(double) * Math.Max(1L, data.TotalBins)), 3, maxLeaves);
        _histograms = new double[slots][];
        for (var s = 0; s < slots; s++)
        {
            _histograms[s] = new double[Stride * data.TotalBins];
        }

        _slotOwner = new int[slots];

        _leafBegin = new int[maxLeaves];
        _leafEnd = new int[maxLeaves];
        _leafSlot = new int[maxLeaves];
        _leafSum = new double[maxLeaves];
        _leafHessian = new double[maxLeaves];
        _leafFeatures = new bool[maxLeaves][];
        for (var l = 0; l < maxLeaves; l++)
        {
            _leafFeatures[l] = new bool[data.Features];
        }

        _best = new Split[maxLeaves];
        _leafParent = new int[maxLeaves];
    }

    private struct Split
    {
        public double Gain;
        public int Feature;
        public int Bin;
        public bool MissingLeft;
        public double LeftSum;
        public double LeftHessian;
        public int LeftCount;
    }

    /// <summary>
    /// Grows a tree fitting <paramref name="targets"/> on <paramref name="rows"/> (ascending). Features outside
    /// <paramref name="treeFeatures"/> are never used; with <paramref name="splitSampler"/>, each leaf also considers
    /// each remaining feature only with probability <paramref name="splitFraction"/>.
    /// </summary>
    public GrownTree Grow(double[] targets, ReadOnlySpan<int> rows, bool[] treeFeatures, Rng? splitSampler = null, double splitFraction = 1, double[]? hessians = null)
    {
        _targets = targets;
        _hessians = hessians;
        _treeFeatures = treeFeatures;
        rows.CopyTo(_rows);
        var n = rows.Length;
        var splitFeature = new List<int>();
        var thresholdBin = new List<int>();
        var defaultLeft = new List<bool>();
        var left = new List<int>();
        var right = new List<int>();

        Array.Fill(_slotOwner, -1);
        _leafBegin[0] = 0;
        _leafEnd[0] = n;
        _leafSlot[0] = -1;
        AssignSlot(0, -1);
        _leafParent[0] = -1;
        double total = 0, totalHessian = 0;
        foreach (var r in rows)
        {
            total += targets[r];
            totalHessian += hessians?[r] ?? 1;
        }

        _leafSum[0] = total;
        _leafHessian[0] = totalHessian;
        SampleLeafFeatures(0, splitSampler, splitFraction);
        BuildHistogram(_leafSlot[0], 0, n);
        _best[0] = FindBestSplit(0);
        var leaves = 1;
        while (leaves < _maxLeaves)
        {
            var leaf = -1;
            for (var l = 0; l < leaves; l++)
            {
                if (_best[l].Gain > 1e-12 && (leaf < 0 || _best[l].Gain > _best[leaf].Gain))
                {
                    leaf = l;
                }
            }

            if (leaf < 0)
            {
                break;
            }

            var split = _best[leaf];
            var node = splitFeature.Count;
            splitFeature.Add(split.Feature);
            thresholdBin.Add(split.Bin);
            defaultLeft.Add(split.MissingLeft);
            var newLeaf = leaves++;
            left.Add(~leaf);
            right.Add(~newLeaf);
            if (_leafParent[leaf] >= 0)
            {
                var parent = _leafParent[leaf];
                if (left[parent] == ~leaf)
                {
                    left[parent] = node;
                }
                else
                {
                    right[parent] = node;
                }
            }

            _leafParent[leaf] = node;
            _leafParent[newLeaf] = node;

            var begin = _leafBegin[leaf];
            var end = _leafEnd[leaf];
            var middle = Partition(begin, end, split);
            _leafBegin[leaf] = begin;
            _leafEnd[leaf] = middle;
            _leafBegin[newLeaf] = middle;
            _leafEnd[newLeaf] = end;
            var parentSum = _leafSum[leaf];
            _leafSum[leaf] = split.LeftSum;
            _leafSum[newLeaf] = parentSum - split.LeftSum;
            var parentHessian = _leafHessian[leaf];
            _leafHessian[leaf] = split.LeftHessian;
            _leafHessian[newLeaf] = parentHessian - split.LeftHessian;

            // Smaller child from its rows into a fresh slot; larger child = parent - smaller, in the parent's slot.
            // If the parent's histogram was evicted, both children are built from their rows.
            var parentSlot = _leafSlot[leaf];
            var leftIsSmaller = middle - begin <= end - middle;
            var (small, large) = leftIsSmaller ? (leaf, newLeaf) : (newLeaf, leaf);
            _leafSlot[newLeaf] = -1;
            if (parentSlot >= 0)
            {
                _slotOwner[parentSlot] = large;
                _leafSlot[leaf] = -1;
                _leafSlot[large] = parentSlot;
                AssignSlot(small, large);
                BuildHistogram(_leafSlot[small], _leafBegin[small], _leafEnd[small]);
                Subtract(parentSlot, _leafSlot[small]);
            }
            else
            {
                AssignSlot(small, -1);
                BuildHistogram(_leafSlot[small], _leafBegin[small], _leafEnd[small]);
                AssignSlot(large, small);
                BuildHistogram(_leafSlot[large], _leafBegin[large], _leafEnd[large]);
            }

            SampleLeafFeatures(leaf, splitSampler, splitFraction);
            SampleLeafFeatures(newLeaf, splitSampler, splitFraction);
            _best[leaf] = FindBestSplit(leaf);
            _best[newLeaf] = FindBestSplit(newLeaf);
        }

        return new GrownTree
        {
            SplitFeature = [.. splitFeature],
            ThresholdBin = [.. thresholdBin],
            DefaultLeft = [.. defaultLeft],
            Left = [.. left],
            Right = [.. right],
            LeafBegin = _leafBegin[..leaves],
            LeafEnd = _leafEnd[..leaves],
            Rows = _rows,
        };
    }

    /// <summary>
    /// Gives <paramref name="leaf"/> a histogram slot: a free one, or the slot of the leaf least likely to be split
    /// next (smallest best gain), which then loses its histogram. <paramref name="keep"/> is never evicted.
    /// </summary>
    private void AssignSlot(int leaf, int keep)
    {
        var slot = Array.IndexOf(_slotOwner, -1);
        if (slot < 0)
        {
            var victim = -1;
            for (var s = 0; s < _slotOwner.Length; s++)
            {
                var owner = _slotOwner[s];
                if (owner != keep && owner != leaf && (victim < 0 || _best[owner].Gain < _best[_slotOwner[victim]].Gain))
                {
                    victim = s;
                }
            }

            slot = victim;
            _leafSlot[_slotOwner[slot]] = -1;
        }

        _slotOwner[slot] = leaf;
        _leafSlot[leaf] = slot;
    }

    private void SampleLeafFeatures(int leaf, Rng? sampler, double fraction)
    {
        var features = _leafFeatures[leaf];
        for (var f = 0; f < features.Length; f++)
        {
            features[f] = _treeFeatures[f] && (sampler is null || sampler.NextDouble() < fraction);
        }
    }

    private int Partition(int begin, int end, Split split)
    {
        var column = _data.Column(split.Feature);
        var write = begin;
        var spill = 0;
        var missingLeft = split.MissingLeft ? 1 : 0;
        for (var i = begin; i < end; i++)
        {
            // Branch-free: the row is written to both places and only the right cursor advances.
            var row = _rows[i];
            int bin = column[row];
            var left = bin == 0 ? missingLeft : (bin <= split.Bin ? 1 : 0);
            _rows[write] = row;
            _temp[spill] = row;
            write += left;
            spill += left ^ 1;
        }

        Array.Copy(_temp, 0, _rows, write, spill);
        return write;
    }

    private void BuildHistogram(int slot, int begin, int end)
    {
        var n = end - begin;
        for (var i = 0; i < n; i++)
        {
            var row = _rows[begin + i];
            _ordered[Stride * i] = _targets[row];
            _ordered[Stride * i + 1] = _hessians?[row] ?? 0;
            _ordered[Stride * i + 2] = 1;
        }

        if (_parallel is not null && n >= 4096)
        {
            Parallel.For(0, _data.Features, _parallel, f => BuildFeatureHistogram(f, slot, begin, n));
        }
        else
        {
            for (var f = 0; f < _data.Features; f++)
            {
                BuildFeatureHistogram(f, slot, begin, n);
            }
        }
    }

    private unsafe void BuildFeatureHistogram(int feature, int slot, int begin, int n)
    {
        var offset = _data.Offsets[feature];
        var bins = _data.BinCount[feature];
        var histogram = _histograms[slot].AsSpan(Stride * offset, Stride * bins);
        histogram.Clear();
        if (!_treeFeatures[feature] || bins <= 2)
        {
            return;
        }

        fixed (byte* column = &_data.Bins[feature * _data.Rows])
        fixed (int* rows = &_rows[begin])
        fixed (double* ordered = _ordered)
        fixed (double* h = histogram)
        {
            var i = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                for (; i + 1 < n; i += 2)
                {
                    var p0 = h + Stride * column[rows[i]];
                    Vector256.Store(Vector256.Load(p0) + Vector256.Load(ordered + Stride * i), p0);
                    var p1 = h + Stride * column[rows[i + 1]];
                    Vector256.Store(Vector256.Load(p1) + Vector256.Load(ordered + Stride * (i + 1)), p1);
                }
            }

            for (; i < n; i++)
            {
                var p = h + Stride * column[rows[i]];
                var row = ordered + Stride * i;
                p[0] += row[0];
                p[1] += row[1];
                p[2] += row[2];
            }
        }
    }

    private void Subtract(int into, int minus) =>
        System.Numerics.Tensors.TensorPrimitives.Subtract<double>(_histograms[into], _histograms[minus], _histograms[into]);

    private Split FindBestSplit(int leaf)
    {
        var best = new Split { Gain = 0, Feature = -1 };
        var count = _leafEnd[leaf] - _leafBegin[leaf];
        if (count < 2 * _minLeaf)
        {
            return best;
        }

        // Least-squares gain divides by row counts; the Newton gain (when hessians are given) by hessian sums.
        var newton = _hessians is not null;
        var total = _leafSum[leaf];
        var totalWeight = newton ? _leafHessian[leaf] : count;
        var parentScore = total * total / totalWeight;
        // LightGBM's min_sum_hessian_in_leaf: a child of confidently classified rows alone has almost no curvature,
        // and its Newton gain would be dominated by rounding.
        var minWeight = newton ? 1e-3 : 0;
        var histogram = _histograms[_leafSlot[leaf]];
        var allowed = _leafFeatures[leaf];
        for (var f = 0; f < _data.Features; f++)
        {
            if (!allowed[f] || _data.BinCount[f] <= 2)
            {
                continue;
            }

            var offset = _data.Offsets[f];
            var bins = _data.BinCount[f];
            var missingSum = histogram[Stride * offset];
            var missingCount = (int)histogram[Stride * offset + 2];
            var missingWeight = newton ? histogram[Stride * offset + 1] : missingCount;
            double leftSum = 0, leftWeight = 0;
            var leftCount = 0;
            for (var t = 1; t < bins - 1; t++)
            {
                var at = Stride * (offset + t);
                leftSum += histogram[at];
                leftCount += (int)histogram[at + 2];
                leftWeight += newton ? histogram[at + 1] : histogram[at + 2];
                if (leftCount + missingCount < _minLeaf)
                {
                    continue;
                }

                if (count - leftCount < _minLeaf)
                {
                    break;
                }

                // Missing values to the right.
                var rightCount = count - leftCount;
                if (leftCount >= _minLeaf && rightCount >= _minLeaf && leftWeight >= minWeight && totalWeight - leftWeight >= minWeight)
                {
                    var rightSum = total - leftSum;
                    var rightWeight = totalWeight - leftWeight;
                    var gain = leftSum * leftSum / leftWeight + rightSum * rightSum / rightWeight - parentScore;
                    if (gain > best.Gain)
                    {
                        best = new Split { Gain = gain, Feature = f, Bin = t, MissingLeft = missingCount == 0 && leftCount >= rightCount, LeftSum = leftSum, LeftHessian = newton ? leftWeight : 0, LeftCount = leftCount };
                    }
                }

                // Missing values to the left.
                if (missingCount > 0)
                {
                    var lc = leftCount + missingCount;
                    var rc = count - lc;
                    var lw = leftWeight + missingWeight;
                    if (lc >= _minLeaf && rc >= _minLeaf && lw >= minWeight && totalWeight - lw >= minWeight)
                    {
                        var ls = leftSum + missingSum;
                        var rs = total - ls;
                        var gain = ls * ls / lw + rs * rs / (totalWeight - lw) - parentScore;
                        if (gain > best.Gain)
                        {
                            best = new Split { Gain = gain, Feature = f, Bin = t, MissingLeft = true, LeftSum = ls, LeftHessian = newton ? lw : 0, LeftCount = lc };
                        }
                    }
                }
            }
        }

        return best;
    }
}
