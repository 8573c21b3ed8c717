namespace NetflixML.Features;

/// <summary>
/// The data is readable but cannot support one task: no titles for Top-10, no events to take a churn snapshot at,
/// no watch events to recommend from, or too few labelled rows. A run asked for every task skips that one and says
/// why; a run asked for that task alone stops with the message, like any other bad input.
/// </summary>
public sealed class TaskDataException : DataInputException
{
    public TaskDataException(string message)
        : base(message)
    {
    }

    public TaskDataException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public TaskDataException()
    {
    }
}
