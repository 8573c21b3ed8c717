namespace NetflixML.Training.Pipeline;

/// <summary>What a training run writes where, and how it is seeded and stamped.</summary>
public sealed record RunSettings(string ModelsFolder, int Seed, DateTimeOffset CreatedAt)
{
    /// <summary>Where the run writes its models until it commits them to <see cref="ModelsFolder"/> (<see cref="Features.Reporting.StagedRun"/>); null: there directly.</summary>
    public string? StagingFolder { get; init; }

    public string CandidatesFolder => Path.Combine(StagingFolder ?? ModelsFolder, "candidates");

    /// <summary>Where the run writes <paramref name="task"/>'s champion.</summary>
    public string ChampionPath(string task) => Path.Combine(StagingFolder ?? ModelsFolder, task + ".zip");

    /// <summary>The champion the API serves for <paramref name="task"/> until this run commits.</summary>
    public string ServedChampionPath(string task) => Path.Combine(ModelsFolder, task + ".zip");

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
