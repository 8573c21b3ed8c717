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
