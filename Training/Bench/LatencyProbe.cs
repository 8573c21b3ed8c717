using System.Diagnostics;

namespace NetflixML.Training.Bench;

/// <summary>
/// Times single calls one by one (Stopwatch timestamps), subtracting the timer's own cost measured the same way,
/// and reports the median and 99th percentile in nanoseconds. One thread. The warm-up runs for half a second
/// first: tiered compilation only swaps in optimised code after a delay, and a count-based warm-up measured the
/// unoptimised code (10x slower for logistic regression).
/// </summary>
public static class LatencyProbe
{
    public sealed record Result(double MedianNs, double P99Ns, int Calls);

    public static Result Measure(int calls, Action<int> call)
    {
        var warmUp = Stopwatch.StartNew();
        for (var i = 0; warmUp.ElapsedMilliseconds < 500; i++)
        {
            call(i % calls);
        }

        var overhead = TimerOverheadTicks();
        var samples = new double[calls];
        for (var i = 0; i < calls; i++)
        {
            var start = Stopwatch.GetTimestamp();
            call(i);
            var ticks = Stopwatch.GetTimestamp() - start - overhead;
            samples[i] = Math.Max(0, ticks) * 1e9 / Stopwatch.Frequency;
        }

        Array.Sort(samples);
        return new Result(samples[calls / 2], samples[Math.Min(calls - 1, (int)(calls * 0.99))], calls);
    }

    private static double TimerOverheadTicks()
    {
        var samples = new long[10_000];
        for (var i = 0; i < samples.Length; i++)
        {
            var start = Stopwatch.GetTimestamp();
            samples[i] = Stopwatch.GetTimestamp() - start;
        }

        Array.Sort(samples);
        return samples[samples.Length / 2];
    }
}
