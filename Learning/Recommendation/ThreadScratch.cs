namespace NetflixML.Learning.Recommendation;

/// <summary>Per-thread score buffers, so scoring a whole catalogue allocates nothing after a thread's first call.</summary>
internal static class ThreadScratch
{
    /// <summary>
    /// The first <paramref name="length"/> entries of <paramref name="buffer"/> (a [ThreadStatic] field), grown when
    /// it is missing or too short. Contents are left over from the last use: callers overwrite or clear them.
    /// </summary>
    public static Span<T> Get<T>(ref T[]? buffer, int length)
    {
        if (buffer is null || buffer.Length < length)
        {
            buffer = new T[length];
        }

        return buffer.AsSpan(0, length);
    }
}
