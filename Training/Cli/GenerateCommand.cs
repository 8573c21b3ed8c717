using System.CommandLine;
using NetflixML.Features.Synthetic;
using Spectre.Console;

namespace NetflixML.Training.Cli;

/// <summary>`generate`: writes the synthetic raw CSVs and truth.json.</summary>
public static class GenerateCommand
{
    public static Command Create(ConsoleIo io)
    {
        var outOption = new Option<string>("--out") { Description = "Folder for the raw CSV files.", DefaultValueFactory = _ => Defaults.RawFolder };
        var seedOption = new Option<int>("--seed") { Description = "Random seed: the same seed gives the same files.", DefaultValueFactory = _ => Defaults.Seed };
        var scaleOption = new Option<double>("--scale") { Description = "1.0 = the public dataset's row counts (10,300 users ...); 0.1 a tenth.", DefaultValueFactory = _ => 1.0 };
        var json = NetflixCli.JsonOption();
        var command = new Command("generate", "Write the synthetic raw data (six behaviour tables, two Top-10 tables) and truth.json.")
        {
            outOption, seedOption, scaleOption, json,
        };
        command.SetAction(parse => Run(io, parse.GetValue(outOption)!, parse.GetValue(seedOption), parse.GetValue(scaleOption), parse.GetValue(json)));
        return command;
    }

    public static int Run(ConsoleIo io, string output, int seed, double scale, bool json)
    {
        if (scale is <= 0 or > 100 || double.IsNaN(scale))
        {
            throw new OptionValueException($"--scale must be greater than 0 and at most 100 (got {scale}).");
        }

        OutputLocation.RequireFolder("--out", output);
        var result = SyntheticGenerator.Generate(output, new GeneratorOptions(seed, scale), io.ProgressFor("generate"));
        if (json)
        {
            io.WriteJson(new { files = result.Files.Select(f => new { name = f.Name, rows = f.Rows }), seconds = Math.Round(result.Seconds, 3) });
        }
        else
        {
            var table = new Table().AddColumn("file").AddColumn(new TableColumn("rows").RightAligned());
            foreach (var f in result.Files)
            {
                table.AddRow(f.Name, f.Rows.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
            }

            io.Console.Write(table);
            io.Console.WriteLine($"Wrote {result.Files.Count} files and {SyntheticGenerator.TruthFileName} to {output} in {result.Seconds:F1} s (seed {seed}, scale {scale}).");
        }

        return NetflixCli.Ok;
    }
}
