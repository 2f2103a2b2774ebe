namespace Tether.Proxy;

/// <summary>The local endpoint's port is taken by another program.</summary>
public sealed class LocalEndpointPortInUseException : Exception
{
    /// <summary>Creates the exception for <paramref name="port"/>.</summary>
    public LocalEndpointPortInUseException(int port, Exception? inner = null)
        : base($"port {port} on 127.0.0.1 is in use", inner) => Port = port;

    /// <summary>Creates the exception.</summary>
    public LocalEndpointPortInUseException()
        : this(0)
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public LocalEndpointPortInUseException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public LocalEndpointPortInUseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The port.</summary>
    public int Port { get; }
}
