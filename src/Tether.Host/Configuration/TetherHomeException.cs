namespace Tether.Configuration;

/// <summary>
/// <c>TETHER_HOME</c> cannot be used: it cannot be created or written, or other users can write to it. The message
/// names the folder and says what to do.
/// </summary>
public sealed class TetherHomeException : Exception
{
    /// <summary>Creates an exception with no message.</summary>
    public TetherHomeException()
    {
    }

    /// <summary>Creates an exception with a message for the user.</summary>
    public TetherHomeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message for the user and its cause.</summary>
    public TetherHomeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
