namespace NetflixML.Learning.Tests.Support;

/// <summary>Measures what a call allocates once warm, on the calling thread.</summary>
public static class Allocations
{
    /// <summary>
    /// Bytes allocated by <paramref name="calls"/> calls of <paramref name="call"/> after as many warm-up calls: the
    /// cleanest of up to <paramref name="windows"/> measured windows. A call that allocates dirties every window; a
    /// one-off the runtime bills to this thread (a tier-1 recompilation landing mid-window on a loaded machine, as
    /// CI saw once: 256 bytes over 1,000 calls) dirties one, so it is not taken for the code's own.
    /// </summary>
    public static long SteadyStateBytes(Action call, int calls, int windows = 3)
    {
        for (var i = 0; i < calls; i++)
        {
            call();
        }

        var cleanest = long.MaxValue;
        for (var w = 0; w < windows && cleanest > 0; w++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < calls; i++)
            {
                call();
            }

            cleanest = Math.Min(cleanest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return cleanest;
    }
}
