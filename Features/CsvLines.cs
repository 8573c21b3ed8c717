using System.Text;
using CsvHelper;

namespace NetflixML.Features;

/// <summary>
/// The records of a CSV file with the line each starts on, blank lines skipped; and the lines and quotes of a record.
/// A quoted field may hold line breaks, so a record can cover several lines; one that does and is malformed is a
/// stray quote, which opened a field that ran on to the next quote or to the end of the file. The parser must be
/// configured with IgnoreBlankLines = false, so that every line is seen and counted here, and read through a decoder
/// that throws on bytes that are not UTF-8: such a file is refused, naming the file at <paramref name="path"/> and
/// the line.
/// </summary>
internal sealed class CsvLines(IParser parser, Func<bool> read, string path)
{
    private long _lastLine;

    /// <summary>The line the current record starts on (1 is the file's first).</summary>
    public long Line { get; private set; }

    /// <summary>Reads the next record that is not a blank line; false at the end of the file.</summary>
    public bool Next()
    {
        while (ReadOrRefuse())
        {
            Line = _lastLine + 1;
            _lastLine += Count(parser.RawRecord);
            if (!IsBlank(parser))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Reads on, or refuses a file that is not UTF-8 with the first line that is not. Before, the titles reader read a
    /// file saved as Latin-1 (as spreadsheet programs often do) with its accented names replaced by U+FFFD.
    /// </summary>
    private bool ReadOrRefuse()
    {
        try
        {
            return read();
        }
        catch (DecoderFallbackException ex)
        {
            throw new DataInputException($"{Path.GetFileName(path)}: line {FirstLineNotUtf8()} is not UTF-8 ({ex.Message.TrimEnd('.')}). Save the file as UTF-8 and try again.", ex);
        }
    }

    // The reader decodes a block at a time, ahead of the records, so the line is found again from the bytes.
    private long FirstLineNotUtf8()
    {
        var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
        var bytes = File.ReadAllBytes(path);
        var line = 1L;
        for (int start = 0, end; start <= bytes.Length; start = end + 1, line++)
        {
            end = Array.IndexOf(bytes, (byte)'\n', start);
            end = end < 0 ? bytes.Length : end;
            try
            {
                strict.GetCharCount(bytes, start, end - start);
            }
            catch (DecoderFallbackException)
            {
                return line;
            }
        }

        return _lastLine + 1;
    }

    /// <summary>
    /// How many lines a record's raw text covers. Counted from the text rather than taken from the parser's row
    /// number, which counts a line break inside a quoted field at once but the one ending a record only with the next.
    /// </summary>
    private static int Count(string rawRecord) =>
        rawRecord.AsSpan().Count('\n') + (rawRecord.Length > 0 && rawRecord[^1] != '\n' ? 1 : 0);

    // By the field count and raw text: the parser builds a new array of new strings each time Record is read.
    private static bool IsBlank(IParser parser) => parser.Count == 1 && parser.RawRecord.AsSpan().Trim("\r\n").IsEmpty;

    /// <summary>A record's lines, without their line breaks (a trailing break ends the last, not a new one).</summary>
    public static List<string> Of(string rawRecord) => [.. rawRecord.TrimEnd('\r', '\n').Split('\n').Select(l => l.TrimEnd('\r'))];

    /// <summary>
    /// What is wrong with the quoting of one line read as a record of its own, naming the field whose opening quote is
    /// bad by its place and its <paramref name="header"/> name (null when nothing is): a quote opening a field must
    /// close at the field's end, where a comma or the end of the line follows it; a doubled quote inside is a quote
    /// character. The text from that quote on is shown only when <paramref name="showText"/>: a line of a table with
    /// personal data may hold an email there, and the message is kept in the database.
    /// </summary>
    public static string? QuoteProblem(string line, IReadOnlyList<string> header, bool showText)
    {
        var fieldStart = true;
        var field = 1;
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == ',')
            {
                fieldStart = true;
                field++;
                continue;
            }

            if (!fieldStart || line[i] != '"')
            {
                fieldStart = false;
                continue;
            }

            var opened = i;
            var named = field <= header.Count ? $"field {field} ({header[field - 1]})" : $"field {field}";
            var near = showText ? $", near '{Shorten(line[opened..])}'" : string.Empty;
            while (true)
            {
                var close = line.IndexOf('"', i + 1);
                if (close < 0)
                {
                    return $"the quote opening {named} is not closed on this line{near}";
                }

                if (close + 1 < line.Length && line[close + 1] == '"')
                {
                    i = close + 1; // a doubled quote
                    continue;
                }

                if (close + 1 < line.Length && line[close + 1] != ',')
                {
                    return $"{named} goes on after its closing quote{near}";
                }

                i = close;
                fieldStart = false;
                break;
            }
        }

        return null;
    }

    public static string Shorten(string text) => text.Length <= 30 ? text : text[..27] + "...";
}
