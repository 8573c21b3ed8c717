using NetflixML.Features.Reporting;

namespace NetflixML.Training.Pipeline;

/// <summary>Runs a step for each task of a run.</summary>
public static class TaskRuns
{
    /// <summary>
    /// Runs <paramref name="run"/> for each task. A task whose data is missing (<see cref="Features.TaskDataException"/>)
    /// is recorded in <paramref name="skipped"/> and reported when that list is given, and stops the run when it is
    /// not; when every task is skipped the run stops with every reason. Each task that ran reports how long it took
    /// (at generate --scale 10 a train run is two minutes of progress lines that said nothing of time).
    /// </summary>
    public static List<T> RunEach<T>(IEnumerable<string> tasks, Func<string, T> run, ICollection<SkippedTask>? skipped, IProgress<string> progress)
    {
        var results = new List<T>();
        var reasons = new List<SkippedTask>();
        foreach (var task in tasks)
        {
            try
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                results.Add(run(task));
                progress.Report(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{task}: done in {clock.Elapsed.TotalSeconds:F1} s"));
            }
            catch (Features.TaskDataException ex) when (skipped is not null)
            {
                progress.Report($"skipping {task}: {ex.Message}");
                reasons.Add(new SkippedTask(task, ex.Message));
            }
        }

        if (results.Count == 0 && reasons.Count > 0)
        {
            throw new Features.DataInputException("No task can be run on this data. " + string.Join(" ", reasons.Select(r => $"{r.Task}: {r.Reason}")));
        }

        foreach (var reason in reasons)
        {
            skipped!.Add(reason);
        }

        return results;
    }
}
