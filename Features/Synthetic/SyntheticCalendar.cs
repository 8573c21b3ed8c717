namespace NetflixML.Features.Synthetic;

/// <summary>The time frame of the synthetic world. Event tables span two years; churn is judged at one snapshot.</summary>
public static class SyntheticCalendar
{
    /// <summary>First day of the event logs (reviews and searches in the public data start here).</summary>
    public static readonly DateTime Start = new(2024, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);

    /// <summary>First day after the event logs.</summary>
    public static readonly DateTime End = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);

    /// <summary>The churn snapshot: features use events strictly before it, the label the 30 days from it.</summary>
    public static readonly DateTime Snapshot = new(2025, 11, 1, 0, 0, 0, DateTimeKind.Unspecified);

    public const int ChurnWindowDays = 30;

    /// <summary>Monday of the first Top-10 week, and how many weekly lists there are.</summary>
    public static readonly DateTime FirstWeek = new(2024, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);

    public const int Weeks = 104;

    public static double SnapshotDay => (Snapshot - Start).TotalDays;

    public static double EndDay => (End - Start).TotalDays;

    public static DateTime At(double day) => Start.AddTicks((long)Math.Round(day * TimeSpan.TicksPerDay / TimeSpan.TicksPerSecond) * TimeSpan.TicksPerSecond);
}
