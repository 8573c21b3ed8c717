using System.Globalization;
using System.Text.Json;

namespace NetflixML.Features.Top10;

/// <summary>
/// The titles a Top-10 model's director and cast track records were computed from, saved in the model file so the
/// scoring service computes them from the same history training did: a model trained on a user's --titles file, or
/// served without the database, would otherwise look every director up in another table, or in none, and score a
/// known director as new without saying so. Only what <see cref="TrackRecordIndex"/> reads is kept: id, release
/// date or year, director, cast and outcome.
/// </summary>
public static class TrackRecordHistory
{
    /// <summary>The model-file entry holding the history.</summary>
    public const string EntryName = "track-record-history.json";

    public static byte[] Write(IEnumerable<TitleRecord> titles)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var title in titles)
            {
                if (title.InTop10 is not { } top10)
                {
                    continue; // no outcome, no part in any track record
                }

                json.WriteStartObject();
                json.WriteString("id", title.TitleId);
                if (title.ReleaseDate is { } date)
                {
                    json.WriteString("released", date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                }

                if (title.Year is { } year)
                {
                    json.WriteNumber("year", year);
                }

                if (title.Director is { } director)
                {
                    json.WriteString("director", director);
                }

                json.WriteStartArray("cast");
                foreach (var actor in title.Cast)
                {
                    json.WriteStringValue(actor);
                }

                json.WriteEndArray();
                json.WriteBoolean("top10", top10);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return buffer.ToArray();
    }

    public static IReadOnlyList<TitleRecord> Read(byte[] bytes)
    {
        using var document = JsonDocument.Parse(bytes);
        return [.. document.RootElement.EnumerateArray().Select(t => new TitleRecord
        {
            TitleId = t.GetProperty("id").GetString()!,
            ReleaseDate = t.TryGetProperty("released", out var released) ? DateTime.ParseExact(released.GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
            Year = t.TryGetProperty("year", out var year) ? year.GetInt32() : null,
            Director = t.TryGetProperty("director", out var director) ? director.GetString() : null,
            Cast = [.. t.GetProperty("cast").EnumerateArray().Select(a => a.GetString()!)],
            InTop10 = t.GetProperty("top10").GetBoolean(),
        })];
    }
}
