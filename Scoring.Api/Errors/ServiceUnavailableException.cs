namespace NetflixML.Scoring.Api.Errors;

/// <summary>Something the request needs is not there (a model, the database): 503 with what creates it.</summary>
public sealed class ServiceUnavailableException : Exception
{
    public ServiceUnavailableException(string message, string command)
        : base(message)
    {
        Command = command;
    }

    public ServiceUnavailableException()
    {
        Command = string.Empty;
    }

    public ServiceUnavailableException(string message)
        : base(message)
    {
        Command = string.Empty;
    }

    public ServiceUnavailableException(string message, Exception inner)
        : base(message, inner)
    {
        Command = string.Empty;
    }

    /// <summary>The command that creates what is missing.</summary>
    public string Command { get; }
}
