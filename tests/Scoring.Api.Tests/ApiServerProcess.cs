using System.Diagnostics;
using System.Text;

namespace NetflixML.Scoring.Api.Tests;

/// <summary>
/// The built API (NetflixML.Scoring.Api.dll of the tests' configuration) as its own process on 127.0.0.1, on a port
/// it picks, configured through environment variables as an operator would. Its output is kept for assertions.
/// </summary>
public sealed class ApiServerProcess : IAsyncDisposable
{
    private const string AnyPort = "http://127.0.0.1:0";

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ApiServerProcess(Process process) => _process = process;

    public Uri Address { get; private set; } = null!;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<ApiServerProcess> StartAsync(IReadOnlyDictionary<string, string> environment)
    {
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = Launch(environment, line =>
        {
            const string marker = "Now listening on: ";
            var at = line.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0)
            {
                listening.TrySetResult(new Uri(line[(at + marker.Length)..].Split('"')[0].Trim()));
            }
        });
        var started = await Task.WhenAny(listening.Task, server._process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)));
        if (started != listening.Task)
        {
            await server.DisposeAsync();
            throw new InvalidOperationException("The API did not start:\n" + server.Output);
        }

        server.Address = await listening.Task;
        return server;
    }

    /// <summary>Runs the API until it exits by itself (a start-up failure): its exit code and everything it wrote.</summary>
    public static async Task<(int ExitCode, string Output)> RunUntilExitAsync(IReadOnlyDictionary<string, string> environment, string urls = AnyPort)
    {
        await using var server = Launch(environment, _ => { }, urls);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await server._process.WaitForExitAsync(timeout.Token);
        return (server._process.ExitCode, server.Output);
    }

    private static ApiServerProcess Launch(IReadOnlyDictionary<string, string> environment, Action<string> onLine, string urls = AnyPort)
    {
        var directory = OutputDirectory();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(directory, "NetflixML.Scoring.Api.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(urls);
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var server = new ApiServerProcess(Process.Start(start)!);
        void Read(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (server._output)
            {
                server._output.AppendLine(line);
            }

            onLine(line);
        }

        server._process.OutputDataReceived += (_, e) => Read(e.Data);
        server._process.ErrorDataReceived += (_, e) => Read(e.Data);
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    /// <summary>tests/Scoring.Api.Tests/bin/&lt;Configuration&gt;/&lt;tfm&gt;/ -> Scoring.Api/bin/&lt;Configuration&gt;/&lt;tfm&gt;/.</summary>
    private static string OutputDirectory()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var root = Path.GetDirectoryName(ScoringFixture.RepositoryModels)!;
        var directory = Path.Combine(root, "Scoring.Api", "bin", testOutput.Parent!.Name, testOutput.Name);
        return File.Exists(Path.Combine(directory, "NetflixML.Scoring.Api.dll"))
            ? directory
            : throw new InvalidOperationException($"The API is not built in {directory}.");
    }
}
