using System.CommandLine;
using NetflixML.Features;

namespace NetflixML.Training.Cli;

/// <summary>The `Training` command line: one subcommand per verb; no verb runs the whole pipeline.</summary>
public static class NetflixCli
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int BadInput = 2;

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var io = new ConsoleIo(output, error);
        var root = new RootCommand("NetflixML: generate data, ingest it, train and compare models, audit leakage, benchmark.");
        root.Subcommands.Add(GenerateCommand.Create(io));
        root.Subcommands.Add(IngestCommand.Create(io));
        root.Subcommands.Add(FeaturesCommand.Create(io));
        root.Subcommands.Add(TrainCommand.Create(io));
        root.Subcommands.Add(LeakageCommand.Create(io));
        root.Subcommands.Add(EvaluateCommand.Create(io));
        root.Subcommands.Add(BenchCommand.Create(io));
        PipelineCommand.Attach(root, io);
        var parse = root.Parse(args);
        // An unknown option, a missing required one, a value of the wrong type, or an empty one (`--db "$DB"` with DB
        // unset, which used to crash with a stack trace) is bad input like any other: "error: ..." on standard error
        // and exit 2, with nothing on standard output (where --json goes).
        var problems = parse.Errors.Select(p => Readable(p.Message)).Concat(EmptyValues(parse.CommandResult)).ToList();
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                error.WriteLine("error: " + problem);
            }

            var path = string.Join(' ', Ancestry(parse.CommandResult).Reverse().Skip(1).Select(c => c.Command.Name));
            error.WriteLine($"See '{(path.Length == 0 ? string.Empty : path + " ")}--help' for the commands and options.");
            return BadInput;
        }

        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception ex) when (ex is DataInputException or OptionValueException or Learning.Persistence.ModelFileException)
        {
            error.WriteLine("error: " + ex.Message);
            return BadInput;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Outputs are checked up front; this is the disk filling up or a file vanishing mid-run.
            error.WriteLine("error: " + ex.Message);
            return Failed;
        }
    }

    private static IEnumerable<System.CommandLine.Parsing.CommandResult> Ancestry(System.CommandLine.Parsing.CommandResult? command)
    {
        for (; command is not null; command = command.Parent as System.CommandLine.Parsing.CommandResult)
        {
            yield return command;
        }
    }

    // A text option given as "" or spaces names no file, folder or choice; the parser accepts it.
    private static IEnumerable<string> EmptyValues(System.CommandLine.Parsing.CommandResult command) =>
        command.Children.OfType<System.CommandLine.Parsing.OptionResult>()
            .Where(o => !o.Implicit && o.Option.ValueType == typeof(string) && o.Tokens.Any(t => string.IsNullOrWhiteSpace(t.Value)))
            .Select(o => o.Option.HasDefaultValue
                ? $"{o.Option.Name} is empty; pass a value, or leave the option out for its default ({o.Option.GetDefaultValue()})."
                : $"{o.Option.Name} is empty; pass a value.");

    // The parser's type names mean nothing to a user: "Cannot parse argument 'abc' for option '--seed' as expected
    // type 'System.Int32'." becomes "--seed must be a whole number; got 'abc'." Other messages pass through.
    private static string Readable(string message)
    {
        var match = System.Text.RegularExpressions.Regex.Match(message, @"^Cannot parse argument '(?<value>.*)' for option '(?<option>[^']+)' as expected type '(?<type>[^']+)'\.$");
        if (!match.Success)
        {
            return message;
        }

        var kind = ValueWords.For(match.Groups["type"].Value) ?? "a value of type " + match.Groups["type"].Value;
        return $"{match.Groups["option"].Value} must be {kind}; got '{match.Groups["value"].Value}'.";
    }

    /// <summary>Bool flag `--json` shared by every command.</summary>
    public static Option<bool> JsonOption() => new("--json") { Description = "Print the result as JSON on standard output." };
}

/// <summary>An option value that parsed but makes no sense (a scale of zero, say).</summary>
public sealed class OptionValueException(string message) : Exception(message)
{
    /// <summary>Throws unless <paramref name="holds"/>, naming the option, its value and the rule: "--rank is 0, must be at least 1."</summary>
    public static void Require(bool holds, string option, double value, string rule)
    {
        if (!holds)
        {
            throw new OptionValueException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{option} is {value}, {rule}."));
        }
    }
}
