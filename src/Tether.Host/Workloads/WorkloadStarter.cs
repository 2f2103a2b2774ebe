using Microsoft.Extensions.Logging;
using Tether.Proxy;
using Tether.SignIn;
using Tether.Store;
using Tether.Tokens;

namespace Tether.Workloads;

/// <summary>Brings one workload up (endpoint, then auth: stored tokens, sign-in, static bearer or none) and down.</summary>
internal sealed partial class WorkloadStarter
{
    private const int MaxPortAttempts = 5;

    private readonly TetherStore _store;
    private readonly TokenLifecycleOptions _tokenOptions;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly HttpClient _http;
    private readonly SignInService _signIn;

    public WorkloadStarter(TetherStore store, TokenLifecycleOptions tokenOptions, TimeProvider time, ILoggerFactory loggerFactory)
    {
        _store = store;
        _tokenOptions = tokenOptions;
        _time = time;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<WorkloadStarter>();

        // One client for token, metadata and registration calls: never follows a redirect (a token must not go to
        // another host), pools connections, and lets each caller set its own time-out.
        _http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(15),
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _signIn = new SignInService(_http, store, time);
    }

    /// <summary>Picks a loopback port nothing listens on (a seam: tests make it return a taken one).</summary>
    internal Func<int> FreePort { get; set; } = Tether.Hosting.LoopbackPorts.Free;

    public async Task BringUpAsync(WorkloadRuntime runtime, bool interactive, CancellationToken cancellationToken)
    {
        var name = runtime.Name;
        runtime.Tracker.TryTransition(WorkloadStatus.Starting, interactive ? "starting" : "starting without a browser");
        try
        {
            var tokens = new WorkloadTokenSource(name);
            if (!await StartEndpointAsync(runtime, tokens, cancellationToken))
            {
                return;
            }

            var config = runtime.Record.Config;
            if (config.UsesBearerToken)
            {
                tokens.UseStatic(await _store.GetSecretAsync(name, SecretKind.BearerToken, cancellationToken));
                runtime.Tracker.TryTransition(WorkloadStatus.Running, "static bearer token");
                return;
            }

            if (config.NoAuth)
            {
                tokens.UseStatic(null);
                runtime.Tracker.TryTransition(WorkloadStatus.Running, "the server asks for no sign-in");
                return;
            }

            if (config.ClientAuthMethod is not null && await _store.ForWorkload(name).LoadAsync(cancellationToken) is not null)
            {
                await StartEngineAsync(runtime, tokens, cancellationToken);
                return;
            }

            var challenge = await _signIn.DetectAsync(new Uri(runtime.Record.RemoteUrl), cancellationToken);
            if (challenge is null)
            {
                await UpdateRecordAsync(runtime, runtime.Record with { Config = runtime.Record.Config with { NoAuth = true } }, cancellationToken);
                tokens.UseStatic(null);
                runtime.Tracker.TryTransition(WorkloadStatus.Running, "the server asks for no sign-in");
                return;
            }

            if (!interactive)
            {
                runtime.Tracker.TryTransition(WorkloadStatus.Unauthenticated, $"not signed in: run 'tether reauth {name}'");
                return;
            }

            await SignInAsync(runtime, tokens, challenge, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped or removed while starting: the stop path owns the status.
        }
        catch (SignInException ex)
        {
            runtime.Tracker.TryTransition(WorkloadStatus.Error, ex.Message);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.BringUpFailed(_logger, name, ex.GetType().Name, ex.Message);
            runtime.Tracker.TryTransition(WorkloadStatus.Error, ex.Message);
        }
    }

    public async Task StopAsync(WorkloadRuntime runtime, string reason)
    {
        if (runtime.Tracker.Status is WorkloadStatus.Stopped or WorkloadStatus.Removing)
        {
            return;
        }

        runtime.Tracker.TryTransition(WorkloadStatus.Stopping, reason);
        if (runtime.Run is { } run)
        {
            await run.CancelAsync();
        }

        await runtime.BringUp.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (runtime.Tokens is { } engine)
        {
            await engine.DisposeAsync();
            runtime.Tokens = null;
        }

        if (runtime.Endpoint is { } endpoint)
        {
            await endpoint.DisposeAsync();
            runtime.Endpoint = null;
        }

        runtime.SignInUrl = null;
        runtime.SignInDeadline = null;
        runtime.Tracker.TryTransition(WorkloadStatus.Stopped, reason);
    }

    /// <summary>The port asked for, or a free loopback one (kept for the workload's whole life).</summary>
    public int ReservePort(int? requested, IEnumerable<int> taken)
    {
        if (requested is { } port)
        {
            if (port is < 1 or > 65535)
            {
                throw WorkloadException.BadRequest($"--port {port} is not a port (1-65535)");
            }

            return taken.Contains(port) ? throw new WorkloadException("conflict", $"port {port} is already used by another workload") : port;
        }

        return FreePort();
    }

    public async Task ForgetRegistrationAsync(WorkloadRuntime runtime, CancellationToken cancellationToken)
    {
        if (runtime.Record.Config.Issuer is { } issuer && runtime.Record.Config.ClientFromRegistration)
        {
            await _signIn.ForgetRegistrationsAsync(issuer, cancellationToken);
        }
    }

    private async Task SignInAsync(WorkloadRuntime runtime, WorkloadTokenSource tokens, AuthChallenge challenge, CancellationToken cancellationToken)
    {
        var config = runtime.Record.Config;
        var timeout = config.AuthTimeout ?? WorkloadSpecs.DefaultAuthTimeout;
        runtime.Tracker.TryTransition(WorkloadStatus.Authenticating, "waiting for sign-in in the browser");
        runtime.SignInDeadline = _time.GetUtcNow() + timeout;
        var request = new SignInRequest
        {
            McpUrl = new Uri(runtime.Record.RemoteUrl),
            ClientId = config.ClientFromRegistration ? null : config.ClientId,
            ClientSecret = config.ClientFromRegistration ? null : await _store.GetSecretAsync(runtime.Name, SecretKind.ClientSecret, cancellationToken),
            Scopes = SignInScopes(config),
            Resource = config.Resource,
            SendResource = config.SendResource,
            Issuer = config.IssuerGiven && config.Issuer is { } issuer ? new Uri(issuer) : null,
            AuthorizationEndpoint = config.AuthorizeUrl is { } authorize ? new Uri(authorize) : null,
            TokenEndpoint = config.AuthorizeUrl is not null && config.TokenUrl is { } token ? new Uri(token) : null,
            ClientMetadataUrl = config.ClientMetadataUrl is { } document ? new Uri(document) : null,
            CallbackPort = config.CallbackPort,
            Timeout = timeout,
        };
        var result = await _signIn.SignInAsync(request, challenge, url => runtime.SignInUrl = url.AbsoluteUri, cancellationToken);
        runtime.SignInUrl = null;
        runtime.SignInDeadline = null;
        await using (var lease = await _store.ForWorkload(runtime.Name).AcquireAsync(cancellationToken))
        {
            await lease.CommitAsync(result.Tokens, cancellationToken);
        }

        await _store.SetSecretAsync(runtime.Name, SecretKind.ClientSecret, result.Client.ClientSecret, cancellationToken);
        var signedIn = config with
        {
            Issuer = result.Client.Issuer,
            TokenUrl = result.Client.TokenEndpoint.AbsoluteUri,
            ClientId = result.Client.ClientId,
            ClientAuthMethod = AuthMethodName(result.Client.AuthMethod),
            ClientFromRegistration = result.Client.ClientFromRegistration,
            GrantedScope = result.Client.Scope,
            Resource = result.Client.Resource,
        };
        await UpdateRecordAsync(runtime, runtime.Record with { Config = signedIn }, cancellationToken);
        await StartEngineAsync(runtime, tokens, cancellationToken);
    }

    private async Task<bool> StartEndpointAsync(WorkloadRuntime runtime, WorkloadTokenSource tokens, CancellationToken cancellationToken)
    {
        var headers = WorkloadSpecs.ParseHeaders((await _store.GetSecretAsync(runtime.Name, SecretKind.Headers, cancellationToken))?.Split('\n') ?? [])
            .Select(h => KeyValuePair.Create(h.Name, h.Value)).ToList();
        for (var attempt = 1; ; attempt++)
        {
            var options = new LocalEndpointOptions(runtime.Name, new Uri(runtime.Record.RemoteUrl), runtime.Port, headers)
            {
                OnStepUp = scopes => RecordStepUpAsync(runtime, scopes),
            };
            try
            {
                runtime.Endpoint = await LocalEndpoint.StartAsync(options, tokens, _loggerFactory, cancellationToken);
                runtime.PortMayMove = false;
                return true;
            }
            catch (LocalEndpointPortInUseException) when (runtime.PortMayMove && attempt < MaxPortAttempts)
            {
                var taken = runtime.Port;
                await UpdateRecordAsync(runtime, runtime.Record with { Port = FreePort() }, cancellationToken);
                Log.PortMoved(_logger, runtime.Name, taken, runtime.Port);
            }
            catch (LocalEndpointPortInUseException)
            {
                runtime.Tracker.TryTransition(WorkloadStatus.Error, $"port {runtime.Port} is in use; free it, then 'tether start {runtime.Name}'");
                return false;
            }
        }
    }


    private async Task StartEngineAsync(WorkloadRuntime runtime, WorkloadTokenSource tokens, CancellationToken cancellationToken)
    {
        var config = runtime.Record.Config;
        var secret = await _store.GetSecretAsync(runtime.Name, SecretKind.ClientSecret, cancellationToken);
        var client = new TokenClientConfig(
            new Uri(config.TokenUrl!),
            config.ClientId!,
            secret,
            ParseAuthMethod(config.ClientAuthMethod),
            config.SendResource ? config.Resource : null,
            config.RefreshScope,
            config.Issuer,
            config.ClientFromRegistration);
        var engine = new TokenLifecycle(
            runtime.Name, client, _tokenOptions, _store.ForWorkload(runtime.Name), runtime.Tracker,
            new TokenEndpointClient(_http, _time), _time, _loggerFactory.CreateLogger<TokenLifecycle>());
        runtime.Tokens = engine;
        tokens.Use(engine);
        await engine.StartAsync(cancellationToken);
    }

    /// <summary>
    /// A step-up challenge: the workload keeps running on its token; the scopes are kept with its config so that the
    /// next sign-in asks for them as well, and the reason says what to do.
    /// </summary>
    private async Task RecordStepUpAsync(WorkloadRuntime runtime, IReadOnlyList<string> scopes)
    {
        var config = runtime.Record.Config;
        var union = config.StepUpScopes.Union(scopes, StringComparer.Ordinal).ToList();
        if (union.Count != config.StepUpScopes.Count)
        {
            await UpdateRecordAsync(runtime, runtime.Record with { Config = config with { StepUpScopes = union } }, CancellationToken.None);
        }

        Log.StepUp(_logger, runtime.Name, string.Join(' ', scopes));
        runtime.Tracker.TrySetReason(WorkloadStatus.Running, $"the MCP server asks for more access ({string.Join(' ', scopes)}): run 'tether reauth {runtime.Name}'");
    }

    /// <summary>
    /// The scopes a sign-in asks for: none given and no step-up means discovery decides; after a step-up, the union of
    /// what was asked (or granted) before and what the server asked for since.
    /// </summary>
    internal static IReadOnlyList<string> SignInScopes(WorkloadConfig config)
    {
        if (config.StepUpScopes.Count == 0)
        {
            return config.Scopes;
        }

        var before = config.Scopes.Count > 0 ? config.Scopes : (config.GrantedScope ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return before.Union(config.StepUpScopes, StringComparer.Ordinal).ToList();
    }

    private async Task UpdateRecordAsync(WorkloadRuntime runtime, WorkloadRecord record, CancellationToken cancellationToken)
    {
        runtime.Record = record;
        await _store.UpdateWorkloadAsync(runtime.Record, cancellationToken);
    }

    private static string AuthMethodName(ClientAuthMethod method) => method switch
    {
        ClientAuthMethod.ClientSecretBasic => "client_secret_basic",
        ClientAuthMethod.ClientSecretPost => "client_secret_post",
        _ => "none",
    };

    private static ClientAuthMethod ParseAuthMethod(string? name) => name switch
    {
        "client_secret_basic" => ClientAuthMethod.ClientSecretBasic,
        "client_secret_post" => ClientAuthMethod.ClientSecretPost,
        _ => ClientAuthMethod.None,
    };
}
