using Microsoft.Extensions.Logging;
using Tether.Hosting;
using Tether.SignIn;
using Tether.Store;
using Tether.Tokens;

namespace Tether.Workloads;

/// <summary>What every workload controller of a host shares; built once by the host and handed to each.</summary>
/// <param name="Store">The store (records, secrets, tokens, transitions).</param>
/// <param name="TokenOptions">The engine's settings.</param>
/// <param name="Http">The client for token, metadata, registration and probe calls (never follows redirects).</param>
/// <param name="SignIn">Discovery, registration and the browser sign-in.</param>
/// <param name="Endpoints">Opens local endpoints.</param>
/// <param name="Time">Every wait and timestamp.</param>
/// <param name="LoggerFactory">Loggers for the controllers and engines.</param>
/// <param name="AnswerWait">How long one server answer may take (<see cref="HostSettings.LoadServerAnswerWait"/>).</param>
internal sealed record WorkloadServices(
    TetherStore Store,
    TokenLifecycleOptions TokenOptions,
    HttpClient Http,
    SignInService SignIn,
    IWorkloadEndpointFactory Endpoints,
    TimeProvider Time,
    ILoggerFactory LoggerFactory,
    TimeSpan AnswerWait)
{
    /// <summary>Checks that a URL answers like an MCP server.</summary>
    public McpProbe Probe { get; } = new(Http, Time, AnswerWait);

    /// <summary>
    /// The host's one watch on the wall clock, shared by every engine: an idle engine parks until its next due time
    /// and is woken by this after sleep (its timer runs only while an engine is registered).
    /// </summary>
    public ClockWatcher ClockWatcher { get; } = new(Time);

    /// <summary>Picks a loopback port nothing listens on (a seam: tests make it return a taken one).</summary>
    public Func<int> FreePort { get; set; } = LoopbackPorts.Free;

    /// <summary>
    /// The client for calls to authorization and MCP servers: never follows a redirect (a token must not go to another
    /// host), pools connections, and lets each caller set its own time-out.
    /// </summary>
    public static HttpClient CreateHttpClient() =>
        new(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(15),
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
}
