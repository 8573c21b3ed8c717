using System.Globalization;
using Microsoft.Data.Sqlite;
using NetflixML.Features.Ingestion;
using NetflixML.Features.Recommend;
using NetflixML.Features.Storage;
using NetflixML.Features.Tests.Support;
using NetflixML.Learning.Evaluation;
using NetflixML.Learning.Recommendation;

namespace NetflixML.Features.Tests.Recommend;

/// <summary>
/// The recommendation split against its definition, worked out from the gold rows with plain queries over ids: the
/// default generated data, whose subscribers rewatch titles, rate some twice and watch again after the cut-off.
/// </summary>
[Collection(GeneratedDataCollection.Name)]
public sealed class RecommendDataTests(GeneratedData data)
{
    private sealed record Row(string User, string Item, DateTime Date, float Value);

    private static List<Row> Rows(SqliteConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<Row>();
        while (reader.Read())
        {
            rows.Add(new Row(reader.GetString(0), reader.GetString(1), DateTime.Parse(reader.GetString(2), CultureInfo.InvariantCulture), (float)reader.GetDouble(3)));
        }

        return rows;
    }

    /// <summary>A matrix's interactions by id, in its order (each pair where it was first named).</summary>
    private static List<(string, string, float)> Pairs(InteractionMatrix matrix, ItemCatalog catalog) =>
        [.. Enumerable.Range(0, matrix.Count).Select(k => (matrix.Users[matrix.UserIndex[k]], catalog.Items[matrix.ItemIndex[k]], matrix.Values[k]))];

    /// <summary>The matrix the definition gives: each pair where it is first named, with its rows' sum or last value; users in order of first appearance.</summary>
    private static (List<string> Users, List<(string, string, float)> Pairs) Expected(IEnumerable<Row> rows, bool sum) =>
        ([.. rows.Select(r => r.User).Distinct()],
         [.. rows.GroupBy(r => (r.User, r.Item)).Select(g => (g.Key.User, g.Key.Item, sum ? g.Sum(r => r.Value) : g.Last().Value))]);

    /// <summary>Per subscriber (in id order), the titles first watched on or after the cut-off and never before it, in the order first watched.</summary>
    private static List<string> ExpectedTest(List<Row> watches, DateTime cutoff)
    {
        var before = watches.Where(w => w.Date < cutoff).Select(w => (w.User, w.Item)).ToHashSet();
        return [.. watches.Where(w => w.Date >= cutoff && !before.Contains((w.User, w.Item)))
            .GroupBy(w => w.User)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Key + ": " + string.Join(" ", g.Select(w => w.Item).Distinct()))];
    }

    private static List<string> Described(IEnumerable<HeldOut> test) => [.. test.Select(h => h.User + ": " + string.Join(" ", h.Items.Keys))];

    private static void AssertMatrix((List<string> Users, List<(string, string, float)> Pairs) expected, InteractionMatrix actual, ItemCatalog catalog)
    {
        Assert.Equal(expected.Users, actual.Users.Ids);
        Assert.Equal(expected.Pairs, Pairs(actual, catalog));
    }

    [Fact]
    public void The_split_is_the_definition_worked_out_from_the_gold_rows()
    {
        using var db = data.OpenDatabase();
        var split = RecommendData.Load(db);
        var watches = Rows(db, $"SELECT user_id, movie_id, watch_date, 1.0 FROM {GoldTables.WatchEvents} ORDER BY watch_date, session_id");
        var ratings = Rows(db, $"SELECT user_id, movie_id, rated_at, rating FROM {GoldTables.Ratings} ORDER BY rated_at, user_id, movie_id, source");
        var cutoff = TemporalSplit.CutoffForFraction([.. watches.Select(w => w.Date)], 0.2);
        var before = watches.Where(w => w.Date < cutoff).ToList();

        Assert.Equal(cutoff, split.Cutoff);
        AssertMatrix(Expected(before, sum: true), split.TrainWatches, split.Catalog);
        AssertMatrix(Expected(watches, sum: true), split.AllWatches, split.Catalog);
        AssertMatrix(Expected(ratings.Where(r => r.Date < cutoff), sum: false), split.TrainRatings, split.Catalog);
        AssertMatrix(Expected(ratings, sum: false), split.AllRatings, split.Catalog);
        Assert.Equal(ratings.Where(r => r.Date >= cutoff).Select(r => new Interaction(r.User, r.Item, r.Value)), split.TestRatings);
        Assert.Equal(ExpectedTest(watches, cutoff), Described(split.Test));

        var validation = split.Validation!;
        var innerCutoff = TemporalSplit.CutoffForFraction([.. before.Select(w => w.Date)], 0.2);
        Assert.Equal(innerCutoff, validation.Cutoff);
        AssertMatrix(Expected(before.Where(w => w.Date < innerCutoff), sum: true), validation.Train, split.Catalog);
        Assert.Equal(ExpectedTest(before, innerCutoff), Described(validation.Test));

        // The data has what the definition is about: rewatched pairs, ratings given twice, titles watched again after the
        // cut-off (so not new), and subscribers who first watch after it.
        Assert.Contains(split.TrainWatches.Values, v => v > 1);
        Assert.True(ratings.Count > ratings.Select(r => (r.User, r.Item)).Distinct().Count());
        Assert.Contains(watches, w => w.Date >= cutoff && split.TrainWatches.ItemsOf(w.User).Contains(split.Catalog.Items.IndexOf(w.Item)));
        Assert.Contains(split.Test, h => !split.TrainWatches.Users.TryGet(h.User, out _));
    }

    [Fact]
    public void A_gold_row_naming_a_title_outside_the_catalogue_is_refused_with_the_table_and_ids()
    {
        using var dir = new TempDirectory();
        var copy = dir.File("netflix.db");
        File.Copy(data.DatabasePath, copy);
        string user, title;
        using (var db = SqliteDatabase.Open(copy, readOnly: false, pooling: false))
        {
            using var command = db.CreateCommand();
            command.CommandText = $"SELECT user_id, movie_id FROM {GoldTables.Ratings} ORDER BY rated_at, user_id, movie_id, source LIMIT 1";
            using (var reader = command.ExecuteReader())
            {
                reader.Read();
                (user, title) = (reader.GetString(0), reader.GetString(1));
            }

            command.CommandText = $"UPDATE {GoldTables.Ratings} SET movie_id = 'movie_9999' WHERE user_id = $user AND movie_id = $title";
            command.Parameters.AddWithValue("$user", user);
            command.Parameters.AddWithValue("$title", title);
            Assert.True(command.ExecuteNonQuery() > 0);
        }

        using var changed = SqliteDatabase.Open(copy, readOnly: true, pooling: false);
        var error = Assert.Throws<TaskDataException>(() => RecommendData.Load(changed));
        Assert.Equal($"{GoldTables.Ratings} names title 'movie_9999' (subscriber '{user}'), which is not in {GoldTables.Movies}.", error.Message);
    }
}
