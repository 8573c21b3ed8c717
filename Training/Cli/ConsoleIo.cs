using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace NetflixML.Training.Cli;

/// <summary>
/// Where a command writes: results (tables or JSON) to standard output, progress and errors to standard error,
/// so that `--json` output stays machine-readable while long work still shows progress.
/// </summary>
public sealed class ConsoleIo
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public ConsoleIo(TextWriter output, TextWriter error)
    {
        Output = output;
        Error = error;
        var terminal = !System.Console.IsOutputRedirected && output == System.Console.Out;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        if (!terminal)
        {
            // Piped output has no terminal width; 80 columns would fold the tables beyond reading.
            Console.Profile.Width = 200;
        }
    }

    public TextWriter Output { get; }

    public TextWriter Error { get; }

    /// <summary>Spectre console over <see cref="Output"/> for tables.</summary>
    public IAnsiConsole Console { get; }

    public void Progress(string stage, string message) => Error.WriteLine($"[{stage}] {message}");

    public IProgress<string> ProgressFor(string stage) => new SyncProgress(m => Progress(stage, m));

    public void WriteJson<T>(T value) => Output.WriteLine(JsonSerializer.Serialize(value, Json));

    /// <summary>Progress reported on the calling thread (System.Progress would post to the thread pool).</summary>
    private sealed class SyncProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
