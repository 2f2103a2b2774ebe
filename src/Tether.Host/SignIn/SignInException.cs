namespace Tether.SignIn;

/// <summary>Sign-in could not go on; the message is one line saying what and what to do.</summary>
public sealed class SignInException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SignInException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public SignInException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public SignInException()
    {
    }
}
