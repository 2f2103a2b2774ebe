namespace Tether.Hosting;

/// <summary>Another host already serves the same <c>TETHER_HOME</c>.</summary>
public sealed class HostAlreadyRunningException : Exception
{
    /// <summary>Creates the exception.</summary>
    public HostAlreadyRunningException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public HostAlreadyRunningException()
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public HostAlreadyRunningException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
