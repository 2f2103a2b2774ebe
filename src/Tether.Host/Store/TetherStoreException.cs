namespace Tether.Store;

/// <summary>
/// The store cannot be used (a key file others can read, a keyring that was asked for and is missing, a database
/// written by a newer Tether). The message says what and what to do; nothing should start.
/// </summary>
public sealed class TetherStoreException : Exception
{
    /// <summary>Creates an exception with no message.</summary>
    public TetherStoreException()
    {
    }

    /// <summary>Creates an exception with a message for the user.</summary>
    public TetherStoreException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message for the user and its cause.</summary>
    public TetherStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
