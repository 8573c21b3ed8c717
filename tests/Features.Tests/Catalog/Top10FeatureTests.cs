using NetflixML.Features.Catalog;
using NetflixML.Features.Tests.Support;
using NetflixML.Features.Top10;

namespace NetflixML.Features.Tests.Catalog;

public sealed class Top10FeatureTests
{
    private static TitleRecord Title(string id, string date, string director, bool hit, params string[] cast) => new()
    {
        TitleId = id,
        ReleaseDate = DateTime.Parse(date, System.Globalization.CultureInfo.InvariantCulture),
        Director = director,
        Cast = cast,
        Genres = ["Drama"],
        InTop10 = hit,
        BudgetUsd = 1e7,
    };

    private static readonly IReadOnlyList<TitleRecord> Titles =
    [
        Title("t1", "2024-01-01", "Ada", true, "Kim", "Lee"),
        Title("t2", "2024-02-01", "Ada", false, "Kim"),
        Title("t3", "2024-03-01", "Bo", true, "Lee"),
        Title("t4", "2024-05-01", "Ada", true, "Kim", "Max"),
    ];

    [Fact]
    public void Track_records_count_only_titles_settled_eight_weeks_before_release()
    {
        var data = Top10Features.Build(Titles, FeatureCatalog.Set(FeatureCatalog.Top10, "prerelease"));
        var priors = data.Numeric(data.Schema.IndexOf("director_prior_titles")).ToArray();
        // t2 (Feb 1) is 31 days after t1: t1 not settled yet. t4 (May 1) sees t1 and t2 (settled), not t3's director.
        Assert.Equal([0, 0, 0, 2], priors);
        var director = data.Numeric(data.Schema.IndexOf("director_track_record")).ToArray();
        // t4: Ada had 1 hit in 2 settled titles; all settled titles by then: t1, t2, t3? t3 (Mar 1) is 61 days before: settled.
        // Prior = 2 hits / 3 titles; shrunk rate = (1 + 2 * 2/3) / (2 + 2).
        Assert.Equal((1 + 2 * (2.0 / 3)) / 4, director[3], 12);
    }

    [Fact]
    public void The_history_saved_with_a_model_gives_the_same_track_records()
    {
        // Dated and year-only titles, one without a director, one without an outcome (never part of a record).
        IReadOnlyList<TitleRecord> history =
        [
            .. Titles,
            new TitleRecord { TitleId = "y1", Year = 2023, Director = "Bo", Cast = ["Max", "Noor"], InTop10 = true },
            new TitleRecord { TitleId = "n1", ReleaseDate = new DateTime(2023, 6, 1, 0, 0, 0, DateTimeKind.Unspecified), Cast = ["Kim"], InTop10 = false },
            new TitleRecord { TitleId = "u1", ReleaseDate = new DateTime(2023, 7, 1, 0, 0, 0, DateTimeKind.Unspecified), Director = "Ada", InTop10 = null },
        ];
        var read = TrackRecordHistory.Read(TrackRecordHistory.Write(history));

        Assert.Equal(["t1", "t2", "t3", "t4", "y1", "n1"], read.Select(t => t.TitleId));
        var original = new TrackRecordIndex(history);
        var restored = new TrackRecordIndex(read);
        foreach (var (date, year) in new (DateTime?, int?)[] { (new DateTime(2024, 8, 1, 0, 0, 0, DateTimeKind.Unspecified), null), (null, 2024), (new DateTime(2023, 9, 1, 0, 0, 0, DateTimeKind.Unspecified), null) })
        {
            foreach (var director in new[] { "Ada", "Bo", null })
            {
                Assert.Equal(original.For(date, year, director, ["Kim", "Noor"]), restored.For(date, year, director, ["Kim", "Noor"]));
            }
        }

        Assert.Equal(2, restored.For(new DateTime(2024, 8, 1, 0, 0, 0, DateTimeKind.Unspecified), null, "Bo", []).DirectorPriorTitles); // t3 and y1
    }

    [Fact]
    public void A_later_title_changes_no_track_record_of_an_earlier_one()
    {
        var set = FeatureCatalog.Set(FeatureCatalog.Top10, "early-signal");
        var before = Top10Features.Build(Titles, set);
        var extended = Titles.Append(Title("t5", "2024-06-01", "Ada", true, "Kim", "Lee")).ToList();
        var after = Top10Features.Build(extended, set);
        foreach (var feature in new[] { "director_prior_titles", "director_track_record", "cast_track_record", "cast_best_track_record" })
        {
            var column = before.Schema.IndexOf(feature);
            Assert.Equal(before.Numeric(column).ToArray(), after.Numeric(column)[..Titles.Count].ToArray());
        }
    }

    [Fact]
    public void The_indexed_track_records_equal_a_scan_of_the_history()
    {
        // Dated, year-only and outcome-unknown titles, directors and actors in mixed case, repeated cast names.
        var random = new Random(5);
        string[] directors = ["Ada", "Bo", "Cy", "ada"];
        string[] actors = ["Kim", "Lee", "Max", "KIM", "Noor", "Oz"];
        var history = Enumerable.Range(0, 400).Select(i => new TitleRecord
        {
            TitleId = "h" + i,
            ReleaseDate = i % 5 == 0 ? null : new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Unspecified).AddDays(random.Next(1500)),
            Year = i % 5 == 0 ? (i % 10 == 0 ? 2020 + random.Next(4) : null) : (i % 7 == 0 ? 2021 : null),
            Director = i % 9 == 0 ? null : directors[random.Next(directors.Length)],
            Cast = Enumerable.Range(0, random.Next(4)).Select(_ => actors[random.Next(actors.Length)]).ToArray(),
            InTop10 = i % 11 == 0 ? null : random.NextDouble() < 0.3,
        }).ToList();
        var index = new TrackRecordIndex(history);

        for (var q = 0; q < 300; q++)
        {
            DateTime? date = q % 4 == 0 ? null : new DateTime(2019, 6, 1, 0, 0, 0, DateTimeKind.Unspecified).AddDays(random.Next(2000));
            int? year = q % 4 == 0 ? (q % 8 == 0 ? 2019 + random.Next(6) : null) : (q % 3 == 0 ? date!.Value.Year : null);
            var director = q % 6 == 0 ? null : q % 6 == 1 ? "Nobody" : directors[random.Next(directors.Length)];
            var cast = Enumerable.Range(0, random.Next(4)).Select(_ => q % 5 == 0 ? "Unknown" : actors[random.Next(actors.Length)]).ToArray();
            if (q % 7 == 0)
            {
                // Names as a request may spell them: surrounding spaces, which the index ignores as it ignores case.
                director = director is null ? null : $" {director}  ";
                cast = [.. cast.Select(a => $"  {a} ")];
            }

            var expected = Scan(history, date, year, director, cast);
            var actual = index.For(date, year, director, cast);

            Assert.Equal(expected.DirectorPriorTitles, actual.DirectorPriorTitles);
            Assert.Equal(expected.DirectorRate, actual.DirectorRate);
            Assert.Equal(expected.CastRate, actual.CastRate);
            Assert.Equal(expected.CastBestRate, actual.CastBestRate);
        }
    }

    /// <summary>The definition, as a scan over every earlier title.</summary>
    private static TrackRecord Scan(IReadOnlyList<TitleRecord> history, DateTime? date, int? year, string? director, string[] cast)
    {
        // A cast is a set of people: each name once, ignoring case and surrounding spaces.
        director = director?.Trim();
        cast = [.. cast.Select(a => a.Trim()).Distinct(StringComparer.OrdinalIgnoreCase)];
        double settled = 0, settledHits = 0, directorTitles = 0, directorHits = 0;
        var actorTitles = new double[cast.Length];
        var actorHits = new double[cast.Length];
        foreach (var earlier in history.Where(e => TrackRecordIndex.Settled(e, date, year)))
        {
            var hit = earlier.InTop10 == true ? 1 : 0;
            settled++;
            settledHits += hit;
            if (director is not null && string.Equals(earlier.Director, director, StringComparison.OrdinalIgnoreCase))
            {
                directorTitles++;
                directorHits += hit;
            }

            for (var a = 0; a < cast.Length; a++)
            {
                if (earlier.Cast.Contains(cast[a], StringComparer.OrdinalIgnoreCase))
                {
                    actorTitles[a]++;
                    actorHits[a] += hit;
                }
            }
        }

        var prior = settled > 0 ? settledHits / settled : 0.25;
        double Rate(double hits, double titles) => (hits + (2 * prior)) / (titles + 2);
        var rates = Enumerable.Range(0, cast.Length).Select(a => Rate(actorHits[a], actorTitles[a])).ToArray();
        return new TrackRecord(
            director is null ? double.NaN : directorTitles,
            director is null ? double.NaN : Rate(directorHits, directorTitles),
            rates.Length == 0 ? double.NaN : rates.Average(),
            rates.Length == 0 ? double.NaN : rates.Max());
    }

    [Fact]
    public void Feature_sets_follow_availability()
    {
        var sets = FeatureCatalog.SetsFor(FeatureCatalog.Top10);
        Assert.Equal(["prerelease", "early-signal", "leaky"], sets.Select(s => s.Name));
        Assert.All(sets[0].Features, f => Assert.Equal(Availability.Known, f.Availability));
        Assert.Equal(["log_first_week_hours"], sets[1].Features.Except(sets[0].Features).Select(f => f.Name));
        Assert.True(sets[0].Deployable && sets[1].Deployable);
        Assert.False(sets[2].Deployable);
        Assert.Contains(sets[2].Features, f => f.Name == "weekly_hours_viewed" && f.Availability == Availability.PostOutcome);
        var churn = FeatureCatalog.SetsFor(FeatureCatalog.Churn);
        Assert.True(churn.Single(s => s.Name == "behaviour").Deployable);
        Assert.False(churn.Single(s => s.Name == "leaky").Deployable);
    }
}

public sealed class TitleTableTests
{
    [Fact]
    public void The_studys_layout_is_read_from_a_hand_written_file()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("study.csv"), """
            movie_name,rating,votes,meta_score,genre0,pr_rating,year,duration,cast0,director,netflix_top_10,weekly_hours_viewed,weekly_views,extra_column
            Glass Onion,7.1,"452,000",81,"Comedy, Crime, Drama",PG-13,2022,2.3,"Daniel Craig, Edward Norton",Rian Johnson,1,"82,100,000",35.4,ignored
            The Gray Man,6.5,"250,000",49,"Action, Thriller",PG-13,2022,2.1,"Ryan Gosling, Chris Evans",Anthony Russo,1,"88,550,000",,x
            Quiet Film,6.0,1200,,Drama,R,2021,1.5,Nobody,Someone,0,,,y
            """);
        var titles = TitleTable.FromCsv(dir.File("study.csv"));
        Assert.Equal(3, titles.Count);
        var quiet = titles[0]; // 2021 sorts first
        Assert.Equal("Quiet Film", quiet.Title);
        Assert.Equal(90, quiet.RuntimeMinutes, 9); // 1.5 hours
        Assert.False(quiet.InTop10);
        Assert.True(double.IsNaN(quiet.MetaScore));
        var onion = titles.Single(t => t.Title == "Glass Onion");
        Assert.Equal(["Comedy", "Crime", "Drama"], onion.Genres);
        Assert.Equal(["Daniel Craig", "Edward Norton"], onion.Cast);
        Assert.Equal(452_000, onion.Votes);
        Assert.Equal(82_100_000, onion.WeeklyHoursViewed);
        Assert.Equal(7.1, onion.ImdbRating);
        Assert.Equal(2022, onion.Year);
        Assert.Null(onion.ReleaseDate);
        Assert.Equal("PG-13", onion.Certificate);
    }

    [Fact]
    public void An_unknown_layout_lists_the_columns_each_layout_needs()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("odd.csv"), "name,score\nA,1\n");
        var error = Assert.Throws<DataInputException>(() => TitleTable.FromCsv(dir.File("odd.csv")));
        Assert.Contains("odd.csv: unknown column layout (columns: name, score)", error.Message, StringComparison.Ordinal);
        Assert.Contains("title_id, title, release_date", error.Message, StringComparison.Ordinal);
        Assert.Contains("movie_name, rating, votes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_values_are_reported_with_file_and_line()
    {
        using var dir = new TempDirectory();
        var header = "movie_name,rating,votes,meta_score,genre0,pr_rating,year,duration,cast0,director,netflix_top_10";
        File.WriteAllText(dir.File("bad.csv"), header + "\nA,7,10,50,Drama,R,2020,2,X,Y,1\nB,seven,10,50,Drama,R,2020,2,X,Y,0\n");
        Assert.Equal("bad.csv:3: column 'rating' is not a number: 'seven'.", Assert.Throws<DataInputException>(() => TitleTable.FromCsv(dir.File("bad.csv"))).Message);
        File.WriteAllText(dir.File("label.csv"), header + "\nA,7,10,50,Drama,R,2020,2,X,Y,maybe\n");
        Assert.Equal("label.csv:2: netflix_top_10 must be 0 or 1, not 'maybe'.", Assert.Throws<DataInputException>(() => TitleTable.FromCsv(dir.File("label.csv"))).Message);
        Assert.EndsWith("nope.csv: no such titles file.", Assert.Throws<DataInputException>(() => TitleTable.FromCsv(dir.File("nope.csv"))).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"B,7,10,50,Drama,R,2020,2,X,Y,0", "bad.csv:5: the quote opening field 1 (movie_name) is not closed on this line, near '\"B,7,10,50,Drama,R,2020,2,X...'")]
    [InlineData("B,7,10,50,\"Drama,R,2020,2,X,Y,0", "bad.csv:5: the quote opening field 5 (genre0) is not closed on this line, near '\"Drama,R,2020,2,X,Y,0'")]
    [InlineData("\"B,7,10,50,\"Drama, Crime\",R,2020,2,X,Y,0", "bad.csv:5: field 1 (movie_name) goes on after its closing quote, near '\"B,7,10,50,\"Drama, Crime\",R...'")]
    [InlineData("B,7,10,50,Drama,R,2020,2,X,Y", "bad.csv:5: expected 11 fields as in the header, found 10; quote a value that holds a comma.")]
    [InlineData("B,7,10,50,Drama, Crime,R,2020,2,X,Y,0", "bad.csv:5: expected 11 fields as in the header, found 12; quote a value that holds a comma.")]
    public void A_row_without_the_headers_fields_is_refused_at_its_line(string row, string message)
    {
        // A stray quote used to run on to the end of the file, dropping the titles after it without a word, and a
        // short row was read with its last columns empty.
        using var dir = new TempDirectory();
        var header = "movie_name,rating,votes,meta_score,genre0,pr_rating,year,duration,cast0,director,netflix_top_10";
        File.WriteAllText(dir.File("bad.csv"), $"\n{header}\nA,7,10,50,Drama,R,2020,2,X,Y,1\n\n{row}\nC,6,10,50,Drama,R,2021,2,X,Y,0\nD,6,10,50,Drama,R,2021,2,X,Y,1\n");

        var error = Assert.Throws<DataInputException>(() => TitleTable.FromCsv(dir.File("bad.csv")));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_titles_file_that_is_not_utf8_is_refused_with_its_name_and_line()
    {
        // A file saved as Latin-1 was read with "Almodóvar" as "Almod\uFFFDvar", a director without a track record.
        using var dir = new TempDirectory();
        var header = "movie_name,rating,votes,meta_score,genre0,pr_rating,year,duration,cast0,director,netflix_top_10";
        File.WriteAllBytes(dir.File("latin1.csv"), System.Text.Encoding.Latin1.GetBytes($"{header}\nA,7,10,50,Drama,R,2020,2,X,Y,1\nB,7,10,50,Drama,R,2020,2,X,Pedro Almodóvar,1\n"));

        var error = Assert.Throws<DataInputException>(() => TitleTable.FromCsv(dir.File("latin1.csv")));

        Assert.StartsWith("latin1.csv: line 3 is not UTF-8 (", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("Save the file as UTF-8 and try again.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_that_names_a_column_twice_is_refused_with_both_positions()
    {
        // The first 'director' used to be read and the second dropped without a word.
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("twice.csv"), "movie_name,rating,votes,meta_score,genre0,pr_rating,year,duration,cast0,director,netflix_top_10,Director\nA,7,10,50,Drama,R,2020,2,X,,1,Y\n");
        Assert.Equal(
            "twice.csv: the header names column 'director' twice (fields 10 and 12); keep one and try again.",
            Assert.Throws<DataInputException>(() => TitleTable.FromCsv(dir.File("twice.csv"))).Message);
    }
}
