using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Microsoft.Data.Sqlite;
using NetflixML.Features.Ingestion;
using NetflixML.Features.Storage;

namespace NetflixML.Features.Top10;

/// <summary>
/// Reads titles for the Top-10 task: from the gold layer, or from a user's CSV in one of two layouts, ours
/// (top10_titles.csv) or the public Top-10 study's (movie_name, rating, votes, meta_score, genre0, pr_rating,
/// year, duration in hours, cast0, director, netflix_top_10, weekly_hours_viewed, weekly_views; extra columns
/// ignored). An unknown layout is refused with the columns each layout needs.
/// </summary>
public static class TitleTable
{
    public static readonly string[] OurLayout =
    [
        "title_id", "title", "release_date", "genres", "certificate", "runtime_minutes", "director", "cast", "is_original", "budget_usd",
        "meta_score", "imdb_rating", "votes", "first_week_hours_viewed", "weekly_hours_viewed", "cumulative_weeks_in_top_10", "netflix_top_10",
    ];

    public static readonly string[] StudyLayout =
    [
        "movie_name", "rating", "votes", "meta_score", "genre0", "pr_rating", "year", "duration", "cast0", "director", "netflix_top_10",
        "weekly_hours_viewed", "weekly_views",
    ];

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static IReadOnlyList<TitleRecord> FromDatabase(SqliteConnection db)
    {
        using var command = db.CreateCommand();
        command.CommandText = $"SELECT title_id, title, release_date, genres, certificate, runtime_minutes, director, \"cast\", is_original, budget_usd, meta_score, imdb_rating, votes, first_week_hours_viewed, weekly_hours_viewed, cumulative_weeks_in_top_10, netflix_top_10 FROM {GoldTables.Titles} ORDER BY release_date, title_id";
        using var reader = command.ExecuteReader();
        var titles = new List<TitleRecord>();
        double Number(int i) => reader.IsDBNull(i) ? double.NaN : reader.GetDouble(i);
        string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
        while (reader.Read())
        {
            titles.Add(new TitleRecord
            {
                TitleId = reader.GetString(0),
                Title = Text(1) ?? string.Empty,
                ReleaseDate = DateTime.ParseExact(reader.GetString(2), "yyyy-MM-dd", Inv),
                Genres = TitleRecord.SplitList(Text(3)),
                Certificate = Text(4),
                RuntimeMinutes = Number(5),
                Director = Text(6),
                Cast = TitleRecord.SplitList(Text(7)),
                IsOriginal = Number(8),
                BudgetUsd = Number(9),
                MetaScore = Number(10),
                ImdbRating = Number(11),
                Votes = Number(12),
                FirstWeekHoursViewed = Number(13),
                WeeklyHoursViewed = Number(14),
                CumulativeWeeksInTop10 = Number(15),
                InTop10 = reader.IsDBNull(16) ? null : reader.GetInt64(16) == 1,
            });
        }

        return titles;
    }

    public static IReadOnlyList<TitleRecord> FromDatabase(string databasePath)
    {
        using var db = SqliteDatabase.Open(databasePath, readOnly: true, pooling: false);
        return FromDatabase(db);
    }

    /// <summary>
    /// A row must have the header's fields. One with fewer was read with its last columns empty, and a stray quote
    /// (a field opening a quote it never closes) ran on to the next quote or the end of the file, so the titles after
    /// it were silently dropped or read out of their columns.
    /// </summary>
    private static void RequireWhole(IParser parser, string file, long line, string[] header, string? badQuoting)
    {
        var fields = header.Length;
        if (parser.Count == fields)
        {
            return;
        }

        const string Fix = "quote a whole value (\"a, b\"), and double a quote inside one (\"\")";
        var lines = CsvLines.Of(parser.RawRecord);
        for (var i = 0; i < lines.Count; i++)
        {
            if (CsvLines.QuoteProblem(lines[i], header, showText: true) is { } quote)
            {
                throw new DataInputException($"{file}:{line + i}: {quote}; {Fix}.");
            }
        }

        throw new DataInputException(badQuoting is not null
            ? $"{file}:{line}: expected {fields} fields as in the header, found {parser.Count}: a quote does not close where its field ends, near '{CsvLines.Shorten(badQuoting)}'; {Fix}."
            : $"{file}:{line}: expected {fields} fields as in the header, found {parser.Count}; quote a value that holds a comma.");
    }

    /// <summary>Reads a user's title CSV in either layout; bad rows are reported with their line, never skipped silently.</summary>
    public static IReadOnlyList<TitleRecord> FromCsv(string path)
    {
        if (InputPaths.FileProblem(path) is { } problem)
        {
            throw new DataInputException(problem == InputPaths.Missing ? $"{path}: no such titles file." : $"{path} {problem}: pass the titles CSV file.");
        }

        var file = Path.GetFileName(path);
        using var reader = new StreamReader(path, new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
        // Blank lines are skipped by CsvLines, which counts every line, so an error names the line a record starts on.
        string? badQuoting = null;
        using var csv = new CsvReader(reader, new CsvConfiguration(Inv)
        {
            MissingFieldFound = null,
            BadDataFound = args => badQuoting ??= args.Field,
            IgnoreBlankLines = false,
        });
        var records = new CsvLines(csv.Parser, () =>
        {
            badQuoting = null;
            return csv.Read();
        }, path);
        if (!records.Next())
        {
            throw new DataInputException($"{file}: the file is empty.");
        }

        csv.ReadHeader();

        var header = csv.HeaderRecord!.Select(h => h.Trim()).ToArray();
        var isOurs = OurLayout.All(c => header.Contains(c, StringComparer.OrdinalIgnoreCase));
        var isStudy = StudyLayout.Where(c => c is not ("weekly_hours_viewed" or "weekly_views")).All(c => header.Contains(c, StringComparer.OrdinalIgnoreCase));
        if (!isOurs && !isStudy)
        {
            if (CsvSeparator.Foreign(file, header) is { } separated)
            {
                throw separated;
            }

            var missingOurs = OurLayout.Where(c => !header.Contains(c, StringComparer.OrdinalIgnoreCase));
            var missingStudy = StudyLayout.Where(c => c is not ("weekly_hours_viewed" or "weekly_views") && !header.Contains(c, StringComparer.OrdinalIgnoreCase));
            throw new DataInputException(
                $"{file}: unknown column layout (columns: {string.Join(", ", header)}). Expected either our layout ({string.Join(", ", OurLayout)}; missing {string.Join(", ", missingOurs)}) " +
                $"or the Top-10 study's ({string.Join(", ", StudyLayout)}; weekly figures optional; missing {string.Join(", ", missingStudy)}).");
        }

        // Each column the layout reads, found once (a header naming one twice is refused here, before any row).
        var columns = (isOurs ? OurLayout : StudyLayout).ToDictionary(name => name, name => CsvHeader.IndexOf(file, header, name), StringComparer.Ordinal);
        var titles = new List<TitleRecord>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        while (records.Next())
        {
            var line = records.Line;
            RequireWhole(csv.Parser, file, line, header, badQuoting);
            string? Field(string name)
            {
                var index = columns[name];
                var value = index >= 0 && index < csv.Parser.Count ? csv.GetField(index)?.Trim() : null;
                return string.IsNullOrEmpty(value) ? null : value;
            }

            double Number(string name, double scale = 1)
            {
                var value = Field(name);
                if (value is null || RawValueParser.IsMissing(value))
                {
                    return double.NaN;
                }

                // The study's file writes counts with thousands separators ("1,234,567").
                return double.TryParse(value.Replace(",", string.Empty, StringComparison.Ordinal), NumberStyles.Float, Inv, out var x) && double.IsFinite(x)
                    ? x * scale
                    : throw new DataInputException($"{file}:{line}: column '{name}' is not a number: '{value}'.");
            }

            var labelText = Field("netflix_top_10");
            bool? label = labelText switch
            {
                null => null,
                "1" or "1.0" or "True" or "true" or "yes" or "Yes" => true,
                "0" or "0.0" or "False" or "false" or "no" or "No" => false,
                _ => throw new DataInputException($"{file}:{line}: netflix_top_10 must be 0 or 1, not '{labelText}'."),
            };
            TitleRecord record;
            if (isOurs)
            {
                var dateText = Field("release_date") ?? throw new DataInputException($"{file}:{line}: release_date is empty.");
                if (!DateTime.TryParseExact(dateText, "yyyy-MM-dd", Inv, DateTimeStyles.None, out var date))
                {
                    throw new DataInputException($"{file}:{line}: release_date is not a yyyy-MM-dd date: '{dateText}'.");
                }

                record = new TitleRecord
                {
                    TitleId = Field("title_id") ?? throw new DataInputException($"{file}:{line}: title_id is empty."),
                    Title = Field("title") ?? string.Empty,
                    ReleaseDate = date,
                    Genres = TitleRecord.SplitList(Field("genres")),
                    Certificate = Field("certificate"),
                    RuntimeMinutes = Number("runtime_minutes"),
                    Director = Field("director"),
                    Cast = TitleRecord.SplitList(Field("cast")),
                    IsOriginal = Number("is_original"),
                    BudgetUsd = Number("budget_usd"),
                    MetaScore = Number("meta_score"),
                    ImdbRating = Number("imdb_rating"),
                    Votes = Number("votes"),
                    FirstWeekHoursViewed = Number("first_week_hours_viewed"),
                    WeeklyHoursViewed = Number("weekly_hours_viewed"),
                    CumulativeWeeksInTop10 = Number("cumulative_weeks_in_top_10"),
                    InTop10 = label,
                };
            }
            else
            {
                var year = Number("year");
                record = new TitleRecord
                {
                    TitleId = "line-" + line.ToString(Inv),
                    Title = Field("movie_name") ?? string.Empty,
                    Year = double.IsNaN(year) ? null : (int)year,
                    Genres = TitleRecord.SplitList(Field("genre0")),
                    Certificate = Field("pr_rating"),
                    RuntimeMinutes = Number("duration", 60),
                    Director = Field("director"),
                    Cast = TitleRecord.SplitList(Field("cast0")),
                    MetaScore = Number("meta_score"),
                    ImdbRating = Number("rating"),
                    Votes = Number("votes"),
                    WeeklyHoursViewed = Number("weekly_hours_viewed"),
                    WeeklyViews = Number("weekly_views"),
                    InTop10 = label,
                };
            }

            if (!ids.Add(record.TitleId))
            {
                throw new DataInputException($"{file}:{line}: title_id '{record.TitleId}' appears twice.");
            }

            titles.Add(record);
        }

        if (titles.Count == 0)
        {
            throw new DataInputException($"{file}: no titles after the header.");
        }

        return titles.OrderBy(t => t.EffectiveDate).ThenBy(t => t.TitleId, StringComparer.Ordinal).ToList();
    }
}
