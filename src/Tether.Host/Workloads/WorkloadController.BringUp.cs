using Microsoft.Extensions.Logging;
using Tether.Proxy;
using Tether.SignIn;
using Tether.Store;
using Tether.Tokens;

namespace Tether.Workloads;

internal sealed partial class WorkloadController
{
    private const int MaxPortAttempts = 5;

    /// <summary>Endpoint, then auth (stored tokens, the MCP check, sign-in, static bearer or none). Runs holding the gate.</summary>
    private async Task BringUpAsync(bool interactive, CancellationToken cancellationToken)
    {
        try
        {
            var tokens = await EnsureEndpointAsync(cancellationToken);
            if (tokens is null)
            {
                return;
            }

            var config = Record.Config;
            if (!config.UsesBearerToken && config.ClientAuthMethod is not null && await _services.Store.ForWorkload(Name).LoadAsync(cancellationToken) is not null)
            {
                await StartEngineAsync(tokens, signedIn: null, cancellationToken);
                return;
            }

            var bearer = config.UsesBearerToken ? await _services.Store.GetSecretAsync(Name, SecretKind.BearerToken, cancellationToken) : null;
            var probe = await _services.Probe.CheckAsync(new Uri(Record.RemoteUrl), Record.Transport, bearer, await HeadersAsync(cancellationToken), cancellationToken);
            switch (probe.Kind)
            {
                case McpProbeKind.Unreachable:
                    Fail(tokens, $"{probe.Problem}; 'tether start {Name}' once it is up");
                    return;
                case McpProbeKind.NotMcp:
                    Fail(tokens, $"{probe.Problem}, then 'tether rm {Name}' and run it again with the right URL");
                    return;
                case McpProbeKind.Mcp when config.UsesBearerToken:
                    tokens.UseStatic(bearer);
                    _tracker.TryTransition(WorkloadStatus.Running, "static bearer token");
                    return;
                case McpProbeKind.Mcp:
                    if (!config.NoAuth)
                    {
                        await UpdateRecordAsync(Record with { Config = config with { NoAuth = true } }, cancellationToken);
                    }

                    tokens.UseStatic(null);
                    _tracker.TryTransition(WorkloadStatus.Running, "the server asks for no sign-in");
                    return;
                case McpProbeKind.Challenge when config.UsesBearerToken:
                    Fail(tokens, $"the server refused the bearer token (http 401); 'tether rm {Name}' and run it again with a valid one");
                    return;
                case McpProbeKind.Challenge when !interactive:
                    var reason = $"not signed in: run 'tether reauth {Name}'";
                    tokens.Unauthenticated(reason);
                    _tracker.TryTransition(WorkloadStatus.Unauthenticated, reason);
                    return;
                default:
                    await SignInAsync(tokens, probe.Challenge!, cancellationToken);
                    return;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            bool cancelledByUser;
            lock (_parts)
            {
                cancelledByUser = _signInCancelled;
                _signInUrl = null;
                _signInDeadline = null;
            }

            // Stopped or removed while starting: the stop path owns the status. Ctrl-C in the CLI: say so.
            if (cancelledByUser)
            {
                Log.SignInFailed(_logger, Name, "cancelled");
                Fail(_tokens, $"sign-in cancelled; 'tether reauth {Name}' signs in");
            }
        }
        catch (SignInException ex)
        {
            Log.SignInFailed(_logger, Name, ex.Message);
            Fail(_tokens, $"{ex.Message}; 'tether reauth {Name}' tries again");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.BringUpFailed(_logger, Name, ex.GetType().Name, ex.Message);
            Fail(_tokens, $"{ex.Message}; 'tether start {Name}' tries again");
        }
    }

    private void Fail(WorkloadTokenSource? tokens, string reason)
    {
        tokens?.Failed(reason);
        if (_tracker.TryTransition(WorkloadStatus.Error, reason))
        {
            Log.StartFailed(_logger, Name, reason);
        }
    }

    private async Task SignInAsync(WorkloadTokenSource tokens, AuthChallenge challenge, CancellationToken cancellationToken)
    {
        var record = Record;
        var config = record.Config;
        var timeout = config.AuthTimeout ?? WorkloadSpecs.DefaultAuthTimeout;
        tokens.Authenticating();
        lock (_parts)
        {
            _signInDeadline = _services.Time.GetUtcNow() + timeout;
        }

        _tracker.TryTransition(WorkloadStatus.Authenticating, "waiting for sign-in in the browser");
        var request = new SignInRequest
        {
            McpUrl = new Uri(record.RemoteUrl),
            ClientId = config.ClientFromRegistration ? null : config.ClientId,
            ClientSecret = config.ClientFromRegistration ? null : await _services.Store.GetSecretAsync(Name, SecretKind.ClientSecret, cancellationToken),
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
        var result = await _services.SignIn.SignInAsync(request, challenge, url =>
        {
            lock (_parts)
            {
                _signInUrl = url.AbsoluteUri;
            }
        }, cancellationToken);
        lock (_parts)
        {
            _signInUrl = null;
            _signInDeadline = null;
        }

        await using (var lease = await _services.Store.ForWorkload(Name).AcquireAsync(cancellationToken))
        {
            await lease.CommitAsync(result.Tokens, cancellationToken);
        }

        await _services.Store.SetSecretAsync(Name, SecretKind.ClientSecret, result.Client.ClientSecret, cancellationToken);
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
        await UpdateRecordAsync(record with { Config = signedIn }, cancellationToken);
        Log.SignedIn(_logger, Name, result.Client.Issuer ?? result.Client.TokenEndpoint.GetLeftPart(UriPartial.Authority), result.Client.ClientId);
        await StartEngineAsync(tokens, $"signed in at {_services.Time.GetUtcNow():HH:mm} UTC", cancellationToken);
    }

    /// <summary>The endpoint kept from before, or a new one (moving to a free port while no client knows it).</summary>
    private async Task<WorkloadTokenSource?> EnsureEndpointAsync(CancellationToken cancellationToken)
    {
        lock (_parts)
        {
            if (_endpoint is not null && _tokens is not null)
            {
                return _tokens;
            }
        }

        var tokens = new WorkloadTokenSource(Name);
        var headers = await HeadersAsync(cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            var record = Record;
            var options = new LocalEndpointOptions(Name, new Uri(record.RemoteUrl), record.Port ?? 0, headers)
            {
                OnStepUp = RecordStepUpAsync,
            };
            try
            {
                var endpoint = await _services.Endpoints.StartAsync(options, tokens, cancellationToken);
                lock (_parts)
                {
                    _endpoint = endpoint;
                    _tokens = tokens;
                    _portMayMove = false;
                }

                return tokens;
            }
            catch (LocalEndpointPortInUseException) when (_portMayMove && attempt < MaxPortAttempts)
            {
                var taken = record.Port ?? 0;
                await UpdateRecordAsync(record with { Port = _services.FreePort() }, cancellationToken);
                Log.PortMoved(_logger, Name, taken, Port);
            }
            catch (LocalEndpointPortInUseException)
            {
                Fail(null, $"port {record.Port} is in use; free it, then 'tether start {Name}'");
                return null;
            }
        }
    }

    private async Task<IReadOnlyList<KeyValuePair<string, string>>> HeadersAsync(CancellationToken cancellationToken) =>
        WorkloadSpecs.ParseHeaders((await _services.Store.GetSecretAsync(Name, SecretKind.Headers, cancellationToken))?.Split('\n') ?? [])
            .Select(h => KeyValuePair.Create(h.Name, h.Value)).ToList();

    /// <summary>Hands the endpoint to a new engine; after a fresh sign-in the status says so, not "from the store".</summary>
    private async Task StartEngineAsync(WorkloadTokenSource tokens, string? signedIn, CancellationToken cancellationToken)
    {
        var config = Record.Config;
        var secret = await _services.Store.GetSecretAsync(Name, SecretKind.ClientSecret, cancellationToken);
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
            Name, client, _services.TokenOptions, _services.Store.ForWorkload(Name), _tracker,
            new TokenEndpointClient(_services.Http, _services.Time), _services.Time, _services.LoggerFactory.CreateLogger<TokenLifecycle>(),
            clockWatcher: _services.ClockWatcher);
        lock (_parts)
        {
            _engine = engine;
        }

        if (signedIn is not null)
        {
            _tracker.TryTransition(WorkloadStatus.Running, signedIn);
        }

        tokens.Use(engine);
        await engine.StartAsync(cancellationToken);
        if (signedIn is not null)
        {
            _tracker.TrySetReason(WorkloadStatus.Running, signedIn);
        }
    }

    /// <summary>
    /// A step-up challenge: the workload keeps running on its token; the scopes are kept with its config so that the
    /// next sign-in asks for them as well, and the reason says what to do.
    /// </summary>
    private async Task RecordStepUpAsync(IReadOnlyList<string> scopes)
    {
        var record = Record;
        var config = record.Config;
        var union = config.StepUpScopes.Union(scopes, StringComparer.Ordinal).ToList();
        if (union.Count != config.StepUpScopes.Count)
        {
            await UpdateRecordAsync(record with { Config = config with { StepUpScopes = union } }, CancellationToken.None);
        }

        Log.StepUp(_logger, Name, string.Join(' ', scopes));
        _tracker.TrySetReason(WorkloadStatus.Running, $"the MCP server asks for more access ({string.Join(' ', scopes)}): run 'tether reauth {Name}'");
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

    private async Task UpdateRecordAsync(WorkloadRecord record, CancellationToken cancellationToken)
    {
        lock (_parts)
        {
            _record = record;
        }

        await _services.Store.UpdateWorkloadAsync(record, cancellationToken);
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
