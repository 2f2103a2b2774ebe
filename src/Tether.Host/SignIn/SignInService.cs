using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Tether.Hosting;
using Tether.Http;
using Tether.Configuration;
using Tether.Store;
using Tether.Tokens;

namespace Tether.SignIn;

/// <summary>
/// MCP authorization: detect (401 + <c>WWW-Authenticate</c>, else RFC 9728 well-known), discover the authorization
/// server (with the issuer check), pick or register a client (cached per issuer), authorization code + PKCE S256 with
/// <c>state</c>, <c>iss</c> and <c>resource</c>, loopback callback, code exchange.
/// </summary>
/// <param name="http">Sends every request; must not follow redirects.</param>
/// <param name="store">Caches client registrations.</param>
/// <param name="time">The clock of every time-out.</param>
/// <param name="answerWait">How long one server answer may take (<see cref="HostSettings.LoadServerAnswerWait"/>).</param>
public sealed class SignInService(HttpClient http, TetherStore store, TimeProvider time, TimeSpan? answerWait = null)
{
    private readonly TimeSpan _answerWait = answerWait ?? HostSettings.DefaultServerAnswerWait;
    private readonly SemaphoreSlim _callbackGate = new(1, 1);
    private readonly MetadataFetcher _fetcher = new(http, time, answerWait ?? HostSettings.DefaultServerAnswerWait);

    /// <summary>
    /// Whether <paramref name="mcpUrl"/> asks for sign-in: <see langword="null"/> when it serves without, else its challenge.
    /// </summary>
    public async Task<AuthChallenge?> DetectAsync(Uri mcpUrl, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, mcpUrl)
        {
            Content = new StringContent(
                """{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"tether","version":"1"}}}""",
                Encoding.UTF8,
                "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        try
        {
            using var timeout = new CancellationTokenSource(_answerWait, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            if (response.StatusCode != HttpStatusCode.Unauthorized)
            {
                return null;
            }

            return AuthChallenge.Parse(response.Headers.WwwAuthenticate.Select(h => h.ToString())) ?? new AuthChallenge(null, null, null);
        }
        catch (HttpRequestException ex)
        {
            throw new SignInException($"cannot reach {mcpUrl}: {ex.Message}", ex);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SignInException($"{mcpUrl} did not answer within {DurationParser.Format(_answerWait)} ({HostSettings.ServerAnswerWaitVariable} sets this limit)");
        }
    }

    /// <summary>Signs in; <paramref name="openBrowser"/> is handed the URL the user must open.</summary>
    public async Task<SignInResult> SignInAsync(SignInRequest request, AuthChallenge? challenge, Action<Uri> openBrowser, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(openBrowser);
        AuthorizationServerMetadata server;
        string resource;
        IReadOnlyList<string> scopesSupported;
        if (request.AuthorizationEndpoint is { } authorize && request.TokenEndpoint is { } tokenEndpoint)
        {
            server = AuthorizationServerMetadata.Given(request.Issuer, authorize, tokenEndpoint);
            (resource, scopesSupported) = (request.Resource ?? request.McpUrl.AbsoluteUri, []);
        }
        else
        {
            (var issuer, resource, scopesSupported) = await ProtectedResourceAsync(request, challenge, cancellationToken);
            server = await AuthorizationServerMetadata.DiscoverAsync(_fetcher, issuer, cancellationToken);
        }

        var state = Base64Url(RandomNumberGenerator.GetBytes(24));
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        var challengeValue = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var (client, listening) = await ClientAndCallbackAsync(request, server, state, cancellationToken);
        await using var callback = listening;
        var scope = Scope(request, challenge, scopesSupported, server);
        var query = new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = client.ClientId,
            ["redirect_uri"] = callback.RedirectUri.AbsoluteUri,
            ["state"] = state,
            ["code_challenge"] = challengeValue,
            ["code_challenge_method"] = "S256",
        };
        if (scope is not null)
        {
            query["scope"] = scope;
        }

        var sendResource = request.SendResource ? resource : null;
        if (sendResource is not null)
        {
            query["resource"] = sendResource;
        }

        openBrowser(new Uri(QueryHelpers.AddQueryString(server.AuthorizationEndpoint.AbsoluteUri, query)));
        IQueryCollectionLike answer;
        try
        {
            answer = new IQueryCollectionLike(await callback.Result.WaitAsync(request.Timeout, time, cancellationToken));
        }
        catch (TimeoutException)
        {
            throw new SignInException($"sign-in was not finished within {Tether.Configuration.DurationParser.Format(request.Timeout)}");
        }

        if (answer.Get("error") is { } error)
        {
            throw new SignInException($"the authorization server refused the sign-in: {error} {answer.Get("error_description")}".TrimEnd());
        }

        if (answer.Get("iss") is { } iss ? server.IssuerKnown && iss.TrimEnd('/') != server.Issuer.AbsoluteUri.TrimEnd('/') : server.IssParameterSupported)
        {
            throw new SignInException("the sign-in answer did not come from the expected authorization server (iss mismatch)");
        }

        var code = answer.Get("code") ?? throw new SignInException("the sign-in answer carried no code");
        var (accessToken, lifetime, refreshToken, grantedScope) = await CodeExchange.ExchangeAsync(
            http, server.TokenEndpoint, client.ClientId, client.ClientSecret, client.AuthMethod, code, callback.RedirectUri, verifier, sendResource, _answerWait, time, cancellationToken);
        var tokens = new TokenSet(accessToken, lifetime is { } l ? time.GetUtcNow() + l : null, refreshToken, grantedScope) { IssuedLifetime = lifetime };
        var config = new TokenClientConfig(server.TokenEndpoint, client.ClientId, client.ClientSecret, client.AuthMethod, sendResource, scope, server.IssuerKnown ? server.Issuer.AbsoluteUri : null, client.FromRegistration);
        return new SignInResult(tokens, config);
    }

    /// <summary>Drops the cached registrations for <paramref name="issuer"/> (<c>reauth --reregister</c>).</summary>
    public async Task ForgetRegistrationsAsync(string issuer, CancellationToken cancellationToken)
    {
        foreach (var registration in await store.ListRegistrationsAsync(issuer, cancellationToken))
        {
            if (registration.Kind != RegistrationKind.PreRegistered)
            {
                await store.DeleteRegistrationAsync(issuer, registration.ClientId, cancellationToken);
            }
        }
    }

    private async Task<(Uri Issuer, string Resource, IReadOnlyList<string> Scopes)> ProtectedResourceAsync(SignInRequest request, AuthChallenge? challenge, CancellationToken cancellationToken)
    {
        var resource = request.Resource ?? request.McpUrl.AbsoluteUri;
        if (request.Issuer is { } given)
        {
            return (given, resource, []);
        }

        var candidates = new List<Uri>();
        if (challenge?.ResourceMetadata is { } named)
        {
            candidates.Add(named);
        }

        var origin = request.McpUrl.GetLeftPart(UriPartial.Authority);
        var path = request.McpUrl.AbsolutePath.TrimEnd('/');
        if (path.Length > 0)
        {
            candidates.Add(new Uri(origin + "/.well-known/oauth-protected-resource" + path));
        }

        candidates.Add(new Uri(origin + "/.well-known/oauth-protected-resource"));
        foreach (var url in candidates)
        {
            if (await _fetcher.GetAsync(url, "protected resource metadata", cancellationToken) is { } json)
            {
                var servers = AuthorizationServerMetadata.Strings(json, "authorization_servers");
                if (servers.Count == 0 || !Uri.TryCreate(servers[0], UriKind.Absolute, out var issuer))
                {
                    throw new SignInException($"the protected resource metadata at {url} names no authorization server");
                }

                var named2 = json.TryGetProperty("resource", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
                ResourceCheck.EnsureMatches(named2, request.McpUrl, url);
                return (issuer, request.Resource ?? named2 ?? resource, AuthorizationServerMetadata.Strings(json, "scopes_supported"));
            }
        }

        throw new SignInException($"{request.McpUrl} asks for sign-in but publishes no protected resource metadata; pass --issuer");
    }

    /// <summary>
    /// The client and its callback listener, chosen and bound under one gate for the host: a cached client's callback
    /// port is checked free and then listened on, and a second sign-in to the same server at the same moment must not
    /// pass the same check before the first listens (it registers a client with a port of its own instead). Only this
    /// step waits on the gate, not the user's time in the browser.
    /// </summary>
    private async Task<(ClientChoice Client, LoopbackCallback Callback)> ClientAndCallbackAsync(
        SignInRequest request, AuthorizationServerMetadata server, string state, CancellationToken cancellationToken)
    {
        await _callbackGate.WaitAsync(cancellationToken);
        try
        {
            var (client, port) = await ClientAsync(request, server, cancellationToken);
            return (client, await LoopbackCallback.StartAsync(port, state, cancellationToken));
        }
        finally
        {
            _callbackGate.Release();
        }
    }

    private async Task<(ClientChoice Client, int Port)> ClientAsync(SignInRequest request, AuthorizationServerMetadata server, CancellationToken cancellationToken)
    {
        var issuer = server.Issuer.AbsoluteUri;
        if (request.ClientId is { } clientId)
        {
            var method = request.ClientSecret is null ? ClientAuthMethod.None : ClientAuthMethod.ClientSecretPost;
            return (new ClientChoice(clientId, request.ClientSecret, method, false), request.CallbackPort ?? 0);
        }

        if (request.ClientMetadataUrl is { } document && server.ClientIdMetadataDocumentSupported)
        {
            var documentPort = await MetadataDocumentPortAsync(document, request.CallbackPort, cancellationToken);
            return (new ClientChoice(document.OriginalString, null, ClientAuthMethod.None, true), documentPort);
        }

        if (await store.GetRegistrationAsync(issuer, RegistrationKind.Dynamic, null, cancellationToken) is { } cached
            && (request.CallbackPort is null || request.CallbackPort == cached.CallbackPort) && LoopbackPorts.IsFree(cached.CallbackPort))
        {
            return (new ClientChoice(cached.ClientId, cached.ClientSecret, cached.ClientSecret is null ? ClientAuthMethod.None : ClientAuthMethod.ClientSecretPost, true), cached.CallbackPort);
        }

        if (server.RegistrationEndpoint is not { } endpoint)
        {
            throw new SignInException($"{issuer} offers no dynamic client registration; pass --client-id of a client registered there");
        }

        var port = request.CallbackPort ?? LoopbackPorts.Free();
        using var registration = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = JsonContent.Create(new Dictionary<string, object>
            {
                ["client_name"] = "Tether",
                ["redirect_uris"] = new[] { $"http://127.0.0.1:{port}/callback" },
                ["grant_types"] = new[] { "authorization_code", "refresh_token" },
                ["response_types"] = new[] { "code" },
                ["token_endpoint_auth_method"] = "none",
                ["application_type"] = "native",
            }),
        };
        registration.Headers.UserAgent.Add(TokenEndpointClient.UserAgent);
        ServerAnswer answer;
        try
        {
            answer = await ServerAnswerReader.SendAsync(http, registration, ServerAnswerReader.RegistrationLimit, _answerWait, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new SignInException($"dynamic client registration at {endpoint} did not answer within {_answerWait.TotalSeconds:0}s");
        }
        catch (HttpRequestException ex)
        {
            throw new SignInException($"dynamic client registration failed: cannot reach {endpoint} ({ex.Message})", ex);
        }

        if (!answer.Complete)
        {
            throw new SignInException(
                $"dynamic client registration at {endpoint} answered more than {ServerAnswerReader.RegistrationLimit / 1024 / 1024} MiB; refusing to read it");
        }

        if (!answer.IsSuccess)
        {
            throw new SignInException($"dynamic client registration at {endpoint} failed (http {(int)answer.Status})");
        }

        string registered;
        string? secret;
        try
        {
            using var json = JsonDocument.Parse(answer.Body);
            registered = json.RootElement.GetProperty("client_id").GetString() ?? throw new JsonException("no client_id");
            secret = json.RootElement.TryGetProperty("client_secret", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new SignInException($"dynamic client registration at {endpoint} answered without a client_id");
        }

        await store.SaveRegistrationAsync(new ClientRegistration(issuer, registered, secret, RegistrationKind.Dynamic, port), cancellationToken);
        return (new ClientChoice(registered, secret, secret is null ? ClientAuthMethod.None : ClientAuthMethod.ClientSecretPost, true), port);
    }

    /// <summary>
    /// Reads the client ID metadata document Tether is to use as its client: it must name itself and list a loopback
    /// <c>/callback</c> redirect URI; that URI's port, when it has one, is the callback port.
    /// </summary>
    private async Task<int> MetadataDocumentPortAsync(Uri document, int? callbackPort, CancellationToken cancellationToken)
    {
        var json = await _fetcher.GetAsync(document, "client ID metadata document", cancellationToken)
            ?? throw new SignInException($"the client ID metadata document {document} was not found");
        if (!json.TryGetProperty("client_id", out var id) || id.ValueKind != JsonValueKind.String || id.GetString() != document.OriginalString)
        {
            throw new SignInException($"the client ID metadata document {document} must name itself as client_id");
        }

        var loopback = AuthorizationServerMetadata.Strings(json, "redirect_uris")
            .Select(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) ? uri : null)
            .Where(u => u is { Scheme: "http", IsLoopback: true, AbsolutePath: "/callback" })
            .ToList();
        if (loopback.Count == 0)
        {
            throw new SignInException($"the client ID metadata document {document} lists no http://127.0.0.1[:port]/callback redirect URI");
        }

        var ports = loopback.Where(u => !u!.IsDefaultPort).Select(u => u!.Port).ToList();
        if (ports.Count == 0)
        {
            return callbackPort ?? 0;
        }

        if (callbackPort is { } asked)
        {
            return ports.Contains(asked) ? asked : throw new SignInException($"--callback-port {asked} is not among the client ID metadata document's redirect URIs");
        }

        return ports[0];
    }

    private static string? Scope(SignInRequest request, AuthChallenge? challenge, IReadOnlyList<string> resourceScopes, AuthorizationServerMetadata server)
    {
        var scopes = request.Scopes.Count > 0 ? request.Scopes.ToList()
            : challenge?.Scope is { Length: > 0 } asked ? asked.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList()
            : resourceScopes.Count > 0 ? resourceScopes.ToList()
            : server.ScopesSupported.ToList();
        if (server.ScopesSupported.Contains("offline_access") && !scopes.Contains("offline_access"))
        {
            scopes.Add("offline_access");
        }

        return scopes.Count == 0 ? null : string.Join(' ', scopes.Distinct());
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private sealed record ClientChoice(string ClientId, string? ClientSecret, ClientAuthMethod AuthMethod, bool FromRegistration);

    private readonly struct IQueryCollectionLike(Microsoft.AspNetCore.Http.IQueryCollection query)
    {
        public string? Get(string name) => query.TryGetValue(name, out var value) && value.Count > 0 ? value.ToString() : null;
    }
}
