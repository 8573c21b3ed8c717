using System.CommandLine;
using NetflixML.Features.Catalog;
using Spectre.Console;

namespace NetflixML.Training.Cli;

/// <summary>`features`: prints the feature catalogue (the code is the catalogue).</summary>
public static class FeaturesCommand
{
    public static Command Create(ConsoleIo io)
    {
        var task = new Option<string?>("--task") { Description = "top10, churn or recommend (all when absent)." };
        var json = NetflixCli.JsonOption();
        var command = new Command("features", "List every feature with its type, source, availability and the feature sets that use it.") { task, json };
        command.SetAction(parse =>
        {
            var tasks = parse.GetValue(task) is { } one ? TrainCommand.ParseTasks(one, allowRecommend: true) : FeatureCatalog.Tasks;
            var catalogue = tasks.Select(t => new
            {
                task = t,
                featureSets = FeatureCatalog.SetsFor(t).Select(s => new { name = s.Name, deployable = s.Deployable, contract = s.Contract, features = s.Features.Select(f => f.Name) }),
                features = FeatureCatalog.ForTask(t).Select(f => new
                {
                    name = f.Name,
                    type = f.TypeName,
                    availability = f.Availability.ToString(),
                    source = f.Source,
                    description = f.Description,
                    sets = FeatureCatalog.SetsFor(t).Where(s => s.Contains(f.Name)).Select(s => s.Name),
                }),
            }).ToList();
            if (parse.GetValue(json))
            {
                io.WriteJson(new { tasks = catalogue });
                return NetflixCli.Ok;
            }

            foreach (var t in catalogue)
            {
                var table = new Table().Title($"{t.task} features").AddColumns("feature", "type", "availability", "sets", "source", "description");
                foreach (var f in t.features)
                {
                    table.AddRow(f.name, f.type, f.availability, string.Join(", ", f.sets), Markup.Escape(f.source), Markup.Escape(f.description));
                }

                io.Console.Write(table);
                foreach (var s in t.featureSets)
                {
                    io.Console.WriteLine($"  {s.name}: {(s.deployable ? "deployable" : "not deployable")}. {s.contract}");
                }
            }

            return NetflixCli.Ok;
        });
        return command;
    }
}
