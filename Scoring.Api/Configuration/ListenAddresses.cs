using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace NetflixML.Scoring.Api.Configuration;

/// <summary>
/// The addresses the service listens on (<c>--urls</c>, or <c>ASPNETCORE_URLS</c>; Kestrel's default without
/// either), checked before start-up, and a failure to listen described in one line. Before, a malformed address
/// (<c>--urls notaurl</c>, <c>ftp://</c>, port 99999), an address already in use (a second copy of the API) and
/// https without a certificate crashed with an unhandled exception and Kestrel's stack trace (exit 134), and
/// <c>http://127.0.0.1:abc</c> was taken as the host name "127.0.0.1:abc" on port 80, so the service listened on
/// every interface.
/// </summary>
public static class ListenAddresses
{
    /// <summary>Where Kestrel listens when no address is configured.</summary>
    public const string Default = "http://localhost:5000";

    private const string Example = "http://localhost:5080";

    /// <summary>One line per address that cannot be listened on as written (empty when every one can).</summary>
    public static IReadOnlyList<string> Problems(string? urls)
    {
        if (urls is null)
        {
            return [];
        }

        if (string.IsNullOrWhiteSpace(urls))
        {
            return [$"--urls is empty; give an address such as {Example}, or leave it out for {Default}."];
        }

        var problems = new List<string>();
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (Problem(url) is { } problem)
            {
                problems.Add($"--urls '{url}' cannot be listened on: {problem}; give an address such as {Example} (several separated by ';').");
            }
        }

        return problems;
    }

    private static string? Problem(string url)
    {
        BindingAddress address;
        try
        {
            address = BindingAddress.Parse(url);
        }
        catch (FormatException)
        {
            return "it is not an address";
        }

        if (!address.Scheme.Equals("http", StringComparison.OrdinalIgnoreCase) && !address.Scheme.Equals("https", StringComparison.OrdinalIgnoreCase))
        {
            return $"the scheme must be http or https, not '{address.Scheme}'";
        }

        if (address.IsUnixPipe)
        {
            return null;
        }

        // A port that is not a number is left in the host ("127.0.0.1:abc") and the port taken as 80.
        var host = address.Host.StartsWith('[') ? address.Host[(address.Host.IndexOf(']', StringComparison.Ordinal) + 1)..] : address.Host;
        if (host.Contains(':', StringComparison.Ordinal))
        {
            return $"the port '{host[(host.LastIndexOf(':') + 1)..]}' is not a number";
        }

        return address.Port is < 0 or > 65535 ? $"the port {address.Port} is outside 0-65535"
            : address.PathBase.Length > 0 ? $"an address to listen on has no path ('{address.PathBase}')"
            : null;
    }

    /// <summary>A failure to start listening, in one line, or null when <paramref name="exception"/> is another failure.</summary>
    public static string? Failure(Exception exception, string? urls)
    {
        var where = string.IsNullOrWhiteSpace(urls) ? $"{Default} (the default; --urls gives another address)" : urls;
        return exception switch
        {
            IOException { InnerException: AddressInUseException } or SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } =>
                $"cannot listen on {where}: the address is already in use (is another copy of the API running?); stop that process, or give another address such as --urls {Example}.",
            SocketException { SocketErrorCode: SocketError.AddressNotAvailable } =>
                $"cannot listen on {where}: no network interface of this machine has that address; use one it has, such as --urls {Example}.",
            SocketException { SocketErrorCode: SocketError.AccessDenied } =>
                $"cannot listen on {where}: permission denied (ports below 1024 need privileges); give another port, such as --urls {Example}.",
            SocketException socket => $"cannot listen on {where}: {socket.Message}.",
            InvalidOperationException { Message: var message } when message.StartsWith("Unable to configure HTTPS endpoint", StringComparison.Ordinal) =>
                $"cannot listen on {where}: {string.Join(' ', message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))} In production, name a certificate with Kestrel__Certificates__Default__Path (and __Password), or listen on http.",
            _ => null,
        };
    }
}
