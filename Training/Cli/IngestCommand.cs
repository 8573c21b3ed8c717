using System.CommandLine;
using System.Globalization;
using NetflixML.Features.Ingestion;
using Spectre.Console;

namespace NetflixML.Training.Cli;

/// <summary>`ingest`: raw CSV folder -> SQLite (bronze, silver, gold, quarantine) and the quality report.</summary>
public static class IngestCommand
{
    public static Command Create(ConsoleIo io)
    {
        var raw = new Option<string>("--raw") { Description = "Folder of raw CSVs in the ingest schema.", DefaultValueFactory = _ => Defaults.RawFolder };
        var db = new Option<string>("--db") { Description = "SQLite database to (re)build.", DefaultValueFactory = _ => Defaults.Database };
        var json = NetflixCli.JsonOption();
        var command = new Command("ingest", "Load a folder of raw CSVs into SQLite (bronze, silver, gold), quarantine bad rows, and report data quality.")
        {
            raw, db, json,
        };
        command.SetAction(parse => Run(io, parse.GetValue(raw)!, parse.GetValue(db)!, parse.GetValue(json)));
        return command;
    }

    public static int Run(ConsoleIo io, string raw, string db, bool json)
    {
        OutputLocation.RequireFile("--db", db);
        var report = Ingestor.Ingest(raw, db, io.ProgressFor("ingest"));
        if (json)
        {
            io.Output.WriteLine(report.ToJson());
        }
        else
        {
            Print(io, report, db);
        }

        return NetflixCli.Ok;
    }

    public static void Print(ConsoleIo io, QualityReport report, string db)
    {
        var inv = CultureInfo.InvariantCulture;
        var summary = new Table().Title("Data quality").AddColumns("table", "source", "read", "loaded", "duplicates", "quarantined");
        foreach (var t in report.Tables)
        {
            summary.AddRow(
                t.Name,
                t.Source ?? "[grey]no file[/]",
                t.Read.ToString("N0", inv),
                t.Loaded.ToString("N0", inv),
                t.Duplicates.ToString("N0", inv),
                t.Quarantined.ToString("N0", inv));
        }

        io.Console.Write(summary);
        foreach (var ignored in report.IgnoredFiles)
        {
            io.Console.MarkupLineInterpolated($"[yellow]Not read[/]: {ignored.File}: {ignored.Reason}");
        }

        var detail = new Table().Title("Missing values and anomalies").AddColumns("table", "column or anomaly", "count", "after imputation", "strategy");
        foreach (var t in report.Tables)
        {
            foreach (var (column, missing) in t.Missing)
            {
                detail.AddRow(t.Name, column, missing.Before.ToString("N0", inv), missing.After.ToString("N0", inv), Markup.Escape(missing.Strategy));
            }

            foreach (var (anomaly, count) in t.Anomalies)
            {
                detail.AddRow(t.Name, anomaly, count.ToString("N0", inv), string.Empty, anomaly.EndsWith("_outlier", StringComparison.Ordinal) ? "kept, counted" : "nulled, then imputed");
            }
        }

        io.Console.Write(detail);
        io.Console.WriteLine($"{report.Quarantined:N0} rows quarantined (table 'quarantine'). Database: {db}; report: {Path.Combine(Path.GetDirectoryName(Path.GetFullPath(db))!, Ingestor.QualityReportFileName)}; {report.Seconds:F1} s.");
    }
}
