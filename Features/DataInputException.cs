namespace NetflixML.Features;

/// <summary>
/// Input the user gave us cannot be used as a whole (a missing folder or file, a header without a required
/// column, an unreadable encoding). The message names the file and what is wrong; the CLI exits with code 2.
/// Problems inside single rows are not exceptions: those rows go to quarantine.
/// </summary>
public class DataInputException : Exception
{
    public DataInputException(string message)
        : base(message)
    {
    }

    public DataInputException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public DataInputException()
    {
    }
}
