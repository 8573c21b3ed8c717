namespace NetflixML.Features.Synthetic;

/// <summary>What to generate: a seed (same seed, same files) and a scale (1.0 = the public dataset's row counts).</summary>
public sealed record GeneratorOptions(int Seed = 42, double Scale = 1.0)
{
    /// <summary>A scale-1 count at this scale.</summary>
    public int Count(int atScaleOne) => Math.Max(1, (int)Math.Round(atScaleOne * Scale));

    /// <summary>
    /// Top-10 titles stop growing at scale 1: two years of weekly lists hold only 1,040 slots, so more titles
    /// could not all keep a planted entry probability.
    /// </summary>
    public int TitleCount(int atScaleOne) => Math.Max(20, (int)Math.Round(atScaleOne * Math.Min(Scale, 1.0)));

    public void Validate()
    {
        if (Scale is <= 0 or > 100 || double.IsNaN(Scale))
        {
            throw new ArgumentOutOfRangeException(nameof(Scale), Scale, "--scale must be in (0, 100].");
        }
    }
}
