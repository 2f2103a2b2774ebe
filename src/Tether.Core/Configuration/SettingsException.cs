namespace Tether.Configuration;

/// <summary>One or more settings are invalid; nothing starts. Each line names the setting and the expected form.</summary>
public sealed class SettingsException : Exception
{
    /// <summary>Creates the exception from every problem found.</summary>
    public SettingsException(IReadOnlyList<string> errors)
        : base("invalid settings:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  " + e))) => Errors = errors;

    /// <summary>Creates the exception with no detail.</summary>
    public SettingsException()
        : this(Array.Empty<string>())
    {
    }

    /// <summary>Creates the exception with one problem.</summary>
    public SettingsException(string message)
        : this([message])
    {
    }

    /// <summary>Creates the exception with one problem and its cause.</summary>
    public SettingsException(string message, Exception innerException)
        : base(message, innerException) => Errors = [message];

    /// <summary>Every problem, one a line.</summary>
    public IReadOnlyList<string> Errors { get; }
}
