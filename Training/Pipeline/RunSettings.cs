namespace NetflixML.Training.Pipeline;

/// <summary>What a training run writes where, and how it is seeded and stamped.</summary>
public sealed record RunSettings(string ModelsFolder, int Seed, DateTimeOffset CreatedAt)
{
    public string CandidatesFolder => Path.Combine(ModelsFolder, "candidates");

    public string ChampionPath(string task) => Path.Combine(ModelsFolder, task + ".zip");

    public string CandidatePath(string name) => Path.Combine(CandidatesFolder, name + ".zip");

    /// <summary>
    /// The creation time stamped into models and reports: SOURCE_DATE_EPOCH when set (the reproducible-builds
    /// convention, so a rerun reproduces the committed files byte for byte), otherwise now.
    /// </summary>
    public static DateTimeOffset Now()
    {
        var epoch = Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH");
        return long.TryParse(epoch, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : new DateTimeOffset(DateTime.UtcNow.Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero);
    }
}
