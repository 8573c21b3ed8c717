namespace NetflixML.Learning.Optimization;

/// <summary>A smooth objective: returns f(x) and writes its gradient.</summary>
public delegate double SmoothObjective(ReadOnlySpan<double> x, Span<double> gradient);

/// <summary>Why the optimiser stopped, and where.</summary>
public sealed record OptimizationResult(double[] Solution, double Objective, int Iterations, string StopReason);

/// <summary>
/// Limited-memory quasi-Newton minimisation of f(x) + l1 * sum |x_i| over the coordinates in the L1 mask:
/// OWL-QN (Andrew and Gao, 2007), which is plain L-BFGS when l1 is 0. Stops as ML.NET's
/// MeanRelativeImprovementCriterion does: when the mean improvement over the last five iterations, relative to
/// the current value, falls below the tolerance.
/// </summary>
public static class OwlQn
{
    public static OptimizationResult Minimize(SmoothObjective objective, int dimension, double l1, ReadOnlySpan<bool> l1Mask, int history = 20, double tolerance = 1e-7, int maxIterations = int.MaxValue)
    {
        var x = new double[dimension];
        var g = new double[dimension];
        var pg = new double[dimension];
        var direction = new double[dimension];
        var xNew = new double[dimension];
        var gNew = new double[dimension];
        var s = new double[history][];
        var y = new double[history][];
        var rho = new double[history];
        var alpha = new double[history];
        for (var k = 0; k < history; k++)
        {
            s[k] = new double[dimension];
            y[k] = new double[dimension];
        }

        var mask = l1Mask.ToArray();
        var smooth = objective(x, g);
        var f = smooth + L1(x, l1, mask);
        var past = new List<double> { f };
        int stored = 0, newest = -1, iteration = 0;
        var reason = "iteration limit";
        while (iteration < maxIterations)
        {
            PseudoGradient(x, g, l1, mask, pg);
            if (Norm(pg) < 1e-12)
            {
                reason = "gradient is zero";
                break;
            }

            // Two-loop recursion: direction = -H * pseudo-gradient.
            for (var i = 0; i < dimension; i++)
            {
                direction[i] = -pg[i];
            }

            for (var k = 0; k < stored; k++)
            {
                var index = (newest - k + history) % history;
                alpha[index] = rho[index] * Dot(s[index], direction);
                Axpy(-alpha[index], y[index], direction);
            }

            if (stored > 0)
            {
                var gamma = Dot(s[newest], y[newest]) / Dot(y[newest], y[newest]);
                for (var i = 0; i < dimension; i++)
                {
                    direction[i] *= gamma;
                }
            }

            for (var k = stored - 1; k >= 0; k--)
            {
                var index = (newest - k + history) % history;
                var beta = rho[index] * Dot(y[index], direction);
                Axpy(alpha[index] - beta, s[index], direction);
            }

            // Keep the direction in the orthant the pseudo-gradient points to.
            if (l1 > 0)
            {
                for (var i = 0; i < dimension; i++)
                {
                    if (mask[i] && direction[i] * pg[i] >= 0)
                    {
                        direction[i] = 0;
                    }
                }
            }

            var directional = Dot(direction, pg);
            if (directional >= 0)
            {
                // Not a descent direction (curvature information went stale): restart from steepest descent.
                stored = 0;
                for (var i = 0; i < dimension; i++)
                {
                    direction[i] = -pg[i];
                }

                directional = Dot(direction, pg);
            }

            var step = iteration == 0 ? 1 / Math.Max(Norm(direction), 1e-12) : 1.0;
            double fNew = double.NaN, smoothNew = double.NaN;
            var accepted = false;
            for (var trial = 0; trial < 60; trial++)
            {
                for (var i = 0; i < dimension; i++)
                {
                    var v = x[i] + step * direction[i];
                    if (l1 > 0 && mask[i])
                    {
                        // Project onto the orthant of x (or of -pseudo-gradient where x is zero).
                        var orthant = x[i] != 0 ? Math.Sign(x[i]) : -Math.Sign(pg[i]);
                        if (Math.Sign(v) != orthant)
                        {
                            v = 0;
                        }
                    }

                    xNew[i] = v;
                }

                smoothNew = objective(xNew, gNew);
                fNew = smoothNew + L1(xNew, l1, mask);
                double decrease = 0;
                for (var i = 0; i < dimension; i++)
                {
                    decrease += pg[i] * (xNew[i] - x[i]);
                }

                if (fNew <= f + 1e-4 * decrease)
                {
                    accepted = true;
                    break;
                }

                step *= 0.5;
            }

            if (!accepted)
            {
                reason = "line search made no progress";
                break;
            }

            double sy = 0, yy = 0;
            for (var i = 0; i < dimension; i++)
            {
                var si = xNew[i] - x[i];
                var yi = gNew[i] - g[i];
                sy += si * yi;
                yy += yi * yi;
            }

            // Keep the pair only when it carries positive curvature (always true for a convex smooth part,
            // but rounding can break it near the optimum).
            if (sy > 1e-12 * yy)
            {
                newest = (newest + 1) % history;
                for (var i = 0; i < dimension; i++)
                {
                    s[newest][i] = xNew[i] - x[i];
                    y[newest][i] = gNew[i] - g[i];
                }

                rho[newest] = 1 / sy;
                stored = Math.Min(stored + 1, history);
            }

            (x, xNew) = (xNew, x);
            (g, gNew) = (gNew, g);
            f = fNew;
            iteration++;
            past.Add(f);
            if (past.Count > 5)
            {
                var improvement = (past[^6] - f) / 5;
                if (improvement / Math.Max(Math.Abs(f), 1e-300) < tolerance)
                {
                    reason = "mean relative improvement below tolerance";
                    break;
                }
            }
        }

        return new OptimizationResult(x, f, iteration, reason);
    }

    private static void PseudoGradient(double[] x, double[] g, double l1, bool[] mask, double[] pg)
    {
        for (var i = 0; i < x.Length; i++)
        {
            if (l1 == 0 || !mask[i])
            {
                pg[i] = g[i];
            }
            else if (x[i] > 0)
            {
                pg[i] = g[i] + l1;
            }
            else if (x[i] < 0)
            {
                pg[i] = g[i] - l1;
            }
            else if (g[i] + l1 < 0)
            {
                pg[i] = g[i] + l1;
            }
            else if (g[i] - l1 > 0)
            {
                pg[i] = g[i] - l1;
            }
            else
            {
                pg[i] = 0;
            }
        }
    }

    private static double L1(double[] x, double l1, bool[] mask)
    {
        if (l1 == 0)
        {
            return 0;
        }

        double sum = 0;
        for (var i = 0; i < x.Length; i++)
        {
            if (mask[i])
            {
                sum += Math.Abs(x[i]);
            }
        }

        return l1 * sum;
    }

    private static double Dot(double[] a, double[] b) => System.Numerics.Tensors.TensorPrimitives.Dot<double>(a, b);

    private static double Norm(double[] a) => Math.Sqrt(Dot(a, a));

    private static void Axpy(double a, double[] x, double[] y)
    {
        for (var i = 0; i < x.Length; i++)
        {
            y[i] += a * x[i];
        }
    }
}
