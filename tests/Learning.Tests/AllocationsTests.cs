using NetflixML.Learning.Tests.Support;

namespace NetflixML.Learning.Tests;

/// <summary>The allocation probe the zero-allocation contracts rest on must see an allocation that happens per call.</summary>
public sealed class AllocationsTests
{
    private static object? _sink;

    [Fact]
    public void A_call_that_allocates_is_seen_in_every_window()
    {
        // One 16-element int array per call: at least 64 bytes of payload each, so the cleanest window has them all.
        Assert.True(Allocations.SteadyStateBytes(() => _sink = new int[16], calls: 1_000) >= 64_000);
    }

    [Fact]
    public void A_call_that_does_not_allocate_measures_zero()
    {
        var values = new int[16];
        Assert.Equal(0, Allocations.SteadyStateBytes(() => values[3]++, calls: 1_000));
        Assert.Equal(2_000, values[3]); // warm-up and one window: a clean window ends the measurement.
    }
}
