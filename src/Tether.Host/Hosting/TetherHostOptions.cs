using Tether.Configuration;
using Tether.SignIn;
using Tether.Tokens;

namespace Tether.Hosting;

/// <summary>How a <see cref="TetherHost"/> runs.</summary>
public sealed class TetherHostOptions
{
    /// <summary>Where state lives; <see cref="TetherPaths.FromEnvironment()"/> when absent.</summary>
    public TetherPaths? Paths { get; init; }

    /// <summary>Also log to the console (<c>tether serve</c> in a terminal).</summary>
    public bool LogToConsole { get; init; }

    /// <summary>Token settings to use instead of reading the environment and the config file (the demo shortens them).</summary>
    public TokenLifecycleOptions? TokenOptions { get; init; }

    /// <summary>How long sign-in waits for one server answer, instead of reading the settings.</summary>
    public TimeSpan? ServerAnswerWait { get; init; }

    /// <summary>The clock; the system's when absent.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Write <c>host.json</c> so that the CLI finds this host (not for an in-process foreground run).</summary>
    public bool Advertise { get; init; } = true;

    /// <summary>Also serve <c>/metrics</c> without the host key on 127.0.0.1 at this port (<c>tether serve --metrics-port N</c>).</summary>
    public int? MetricsPort { get; init; }

    /// <summary>Bring back the workloads that were running when the last host stopped.</summary>
    public bool RestoreWorkloads { get; init; } = true;
}
