namespace NetflixML.Learning.Persistence;

/// <summary>A model file that cannot be used: the message names the file and the reason.</summary>
public sealed class ModelFileException : Exception
{
    public ModelFileException(string path, string reason, Exception? inner = null)
        : base($"{path}: {reason}", inner)
    {
        Path = path;
        Reason = reason;
    }

    public ModelFileException()
    {
        Path = string.Empty;
        Reason = string.Empty;
    }

    public ModelFileException(string message)
        : base(message)
    {
        Path = string.Empty;
        Reason = message;
    }

    public ModelFileException(string message, Exception inner)
        : base(message, inner)
    {
        Path = string.Empty;
        Reason = message;
    }

    public string Path { get; }

    public string Reason { get; }
}
