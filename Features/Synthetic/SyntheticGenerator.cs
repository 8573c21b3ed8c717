using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Bogus;
using NetflixML.Features.Schema;
using NetflixML.Learning.Core;

namespace NetflixML.Features.Synthetic;

public sealed record GeneratedFile(string Name, long Rows);

public sealed record GenerationResult(IReadOnlyList<GeneratedFile> Files, double Seconds);

/// <summary>
/// Writes the synthetic raw data set: the six behaviour tables in the public dataset's schema and messiness,
/// the two Top-10 tables, and truth.json (the planted probabilities, the rating noise floor and the leaks).
/// The same seed and scale give byte-identical files.
/// </summary>
public static class SyntheticGenerator
{
    public const string TruthFileName = "truth.json";

    public static GenerationResult Generate(string outputDirectory, GeneratorOptions options, IProgress<string>? progress = null)
    {
        options.Validate();
        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(outputDirectory);
        var files = new List<GeneratedFile>();
        var seed = (ulong)options.Seed;

        progress?.Report("simulating subscribers and viewing");
        var world = new ViewingWorld(options);
        var events = world.Simulate();
        var people = new Faker("en") { Random = new Randomizer(options.Seed) };

        // Every table is written beside its final name and renamed into place once all are written, users.csv last:
        // the pipeline generates only when users.csv is absent, so a generation killed part-way must not leave it
        // beside half the other tables (the next run would ingest those rather than generate).
        var written = new List<(string Temp, string Path)>();
        void Write(TableSpec table, Func<string, long> write)
        {
            progress?.Report("writing " + table.FileName);
            var path = Path.Combine(outputDirectory, table.FileName);
            var temp = path + ".tmp";
            written.Add((temp, path));
            var rows = write(temp);
            files.Add(new GeneratedFile(table.FileName, rows));
        }

        try
        {
            Write(RawSchema.UsersTable, p => { world.WriteUsers(p, events, Rng.ForStream(seed, 10), people); return CountRows(p); });
            Write(RawSchema.MoviesTable, p => { world.WriteMovies(p, Rng.ForStream(seed, 11)); return CountRows(p); });
            (double SquaredError, int Ratings) watchRatings = default, reviewRatings = default;
            Write(RawSchema.WatchHistoryTable, p => { watchRatings = world.WriteWatchHistory(p, events, Rng.ForStream(seed, 12)); return CountRows(p); });
            Write(RawSchema.RecommendationLogsTable, p => { world.WriteRecommendationLogs(p, events, Rng.ForStream(seed, 13)); return CountRows(p); });
            Write(RawSchema.SearchLogsTable, p => { world.WriteSearchLogs(p, events, Rng.ForStream(seed, 14)); return CountRows(p); });
            Write(RawSchema.ReviewsTable, p => { reviewRatings = world.WriteReviews(p, events, Rng.ForStream(seed, 15)); return CountRows(p); });

            progress?.Report("building the Top-10 lists");
            var titles = new Top10World(options, new Faker("en") { Random = new Randomizer(options.Seed + 1) });
            Write(RawSchema.Top10TitlesTable, p => { titles.WriteTitles(p, Rng.ForStream(seed, 21)); return CountRows(p); });
            Write(RawSchema.Top10WeeklyTable, p => { titles.WriteWeekly(p); return CountRows(p); });

            var floor = Math.Sqrt((watchRatings.SquaredError + reviewRatings.SquaredError) / Math.Max(1, watchRatings.Ratings + reviewRatings.Ratings));
            WriteTruth(Path.Combine(outputDirectory, TruthFileName), options, world, events, titles, floor);
            foreach (var (temp, path) in written.OrderBy(w => Path.GetFileName(w.Path) == RawSchema.UsersTable.FileName))
            {
                File.Move(temp, path, overwrite: true);
            }
        }
        catch
        {
            // A generation that fails (a full disk, an unwritable folder) leaves no partial files behind.
            foreach (var (temp, _) in written.Where(w => File.Exists(w.Temp)))
            {
                File.Delete(temp);
            }

            throw;
        }

        return new GenerationResult(files, clock.Elapsed.TotalSeconds);
    }

    private static long CountRows(string path)
    {
        // Rows are counted from the file itself, not from the writer, so the report is what a reader will see.
        long lines = 0;
        using var stream = File.OpenRead(path);
        Span<byte> buffer = stackalloc byte[1 << 16];
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            lines += buffer[..read].Count((byte)'\n');
        }

        return lines - 1;
    }

    private static void WriteTruth(string path, GeneratorOptions options, ViewingWorld world, ViewingWorld.Events events, Top10World titles, double ratingFloor)
    {
        var temp = path + ".tmp";
        using (var stream = File.Create(temp))
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            var inv = CultureInfo.InvariantCulture;
            json.WriteStartObject();
            json.WriteNumber("seed", options.Seed);
            json.WriteNumber("scale", options.Scale);
            json.WriteString("snapshotDate", SyntheticCalendar.Snapshot.ToString("yyyy-MM-dd", inv));
            json.WriteNumber("churnWindowDays", SyntheticCalendar.ChurnWindowDays);
            json.WriteString("dataStart", SyntheticCalendar.Start.ToString("yyyy-MM-dd", inv));
            json.WriteString("dataEnd", SyntheticCalendar.End.AddDays(-1).ToString("yyyy-MM-dd", inv));

            json.WriteStartObject("ratings");
            json.WriteString("scale", "integers 1-5 (watch_history.user_rating and reviews.rating)");
            json.WriteNumber("noiseSd", ViewingWorld.RatingNoiseSd);
            json.WriteNumber("rmseFloor", Math.Round(ratingFloor, 4));
            json.WriteString("rmseFloorMeaning", "RMSE of the exact expected rating (latent mean through rounding and clipping) on every rating written: no model can do better on average");
            json.WriteNumber("latentRank", ViewingWorld.Rank);
            json.WriteEndObject();

            json.WriteStartArray("leaks");
            json.WriteStartObject();
            json.WriteString("task", "top10");
            json.WriteString("table", RawSchema.Top10Titles);
            json.WriteStartArray("columns");
            json.WriteStringValue("weekly_hours_viewed");
            json.WriteStringValue("cumulative_weeks_in_top_10");
            json.WriteEndArray();
            json.WriteString("how", "zero-filled for every title that never charted, so non-zero means it charted");
            json.WriteEndObject();
            json.WriteStartObject();
            json.WriteString("task", "churn");
            json.WriteStartArray("tables");
            foreach (var t in new[] { RawSchema.WatchHistory, RawSchema.RecommendationLogs, RawSchema.SearchLogs, RawSchema.Reviews })
            {
                json.WriteStringValue(t);
            }

            json.WriteEndArray();
            json.WriteString("rowsOnOrAfter", SyntheticCalendar.Snapshot.ToString("yyyy-MM-dd", inv));
            json.WriteString("how", "activity recorded after the snapshot date: subscribers who churn have none, so any such activity means they stayed");
            json.WriteEndObject();
            json.WriteEndArray();

            json.WriteStartObject("churn");
            json.WriteString("label", "users.is_active = False: cancelled within churnWindowDays after snapshotDate");
            json.WriteNumber("positiveRate", Math.Round(events.Churned.Count(c => c) / (double)world.Users, 5));
            json.WriteStartArray("rows");
            for (var u = 0; u < world.Users; u++)
            {
                json.WriteStartObject();
                json.WriteString("user_id", ViewingWorld.UserId(u, world.Users));
                json.WriteNumber("p", Math.Round(events.ChurnProbability[u], 6));
                json.WriteBoolean("churned", events.Churned[u]);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();

            WriteWatchChoice(json, world);

            json.WriteStartObject("top10");
            json.WriteString("label", "top10_titles.netflix_top_10 = 1");
            json.WriteNumber("positiveRate", Math.Round(titles.Titles.Count(t => t.InTop10) / (double)titles.Titles.Count, 5));
            json.WriteStartArray("rows");
            foreach (var t in titles.Titles)
            {
                json.WriteStartObject();
                json.WriteString("title_id", t.Id);
                json.WriteNumber("p", Math.Round(t.Probability, 6));
                json.WriteBoolean("top10", t.InTop10);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <summary>
    /// The planted watch-choice model, from which the recommendation task's best possible ranking follows: each user's
    /// and title's vector (rounded to 4 places) and each title's bias.
    /// </summary>
    private static void WriteWatchChoice(Utf8JsonWriter json, ViewingWorld world)
    {
        json.WriteStartObject("watchChoice");
        json.WriteString("meaning", "every watch picks a title with probability proportional to exp(user . title + bias), before and after the snapshot alike: "
            + "ranking the titles a subscriber has not watched by that logit is the best ranking of what they watch next");
        var vector = new double[ViewingWorld.ChoiceDimensions];
        void Write(string name, string idName, int count, Func<int, string> id, Action<int, Span<double>> fill, Func<int, double>? bias)
        {
            json.WriteStartArray(name);
            for (var n = 0; n < count; n++)
            {
                json.WriteStartObject();
                json.WriteString(idName, id(n));
                fill(n, vector);
                // One line per vector: indented, the 28 numbers took a line each and the file six times the space.
                json.WritePropertyName("vector");
                json.WriteRawValue("[" + string.Join(",", vector.Select(v => Math.Round(v, 4).ToString(CultureInfo.InvariantCulture))) + "]");
                if (bias is not null)
                {
                    json.WriteNumber("bias", Math.Round(bias(n), 4));
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        Write("users", "user_id", world.Users, u => ViewingWorld.UserId(u, world.Users), world.ChoiceUserVector, null);
        Write("titles", "title_id", world.Movies, i => ViewingWorld.MovieId(i, world.Movies), world.ChoiceTitleVector, world.ChoiceTitleBias);
        json.WriteEndObject();
    }
}
