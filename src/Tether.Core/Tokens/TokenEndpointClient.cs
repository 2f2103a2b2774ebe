using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Reflection;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;
using Tether.Http;

namespace Tether.Tokens;

/// <summary>
/// Calls a token endpoint and classifies every answer (the spec's table) instead of throwing. Reads at most
/// <see cref="MaxBodyBytes"/> and never follows a redirect: give it an <see cref="HttpClient"/> whose handler has
/// <c>AllowAutoRedirect = false</c>, and any 3xx is a transient outcome anyway.
/// </summary>
public sealed class TokenEndpointClient
{
    /// <summary>The most of a token response that is read.</summary>
    public const int MaxBodyBytes = ServerAnswerReader.TokenLimit;

    /// <summary>The default time-out of one token request.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;

    /// <summary>Creates a client over <paramref name="http"/>.</summary>
    public TokenEndpointClient(HttpClient http, TimeProvider time, TimeSpan? timeout = null)
    {
        _http = http;
        _time = time;
        _timeout = timeout ?? DefaultTimeout;
    }

    /// <summary>Tether's version as sent in <c>User-Agent: Tether/&lt;version&gt;</c>.</summary>
    public static string Version { get; } =
        typeof(TokenEndpointClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>The <c>User-Agent</c> of every request to an authorization server: <c>Tether/&lt;version&gt;</c>.</summary>
    public static ProductInfoHeaderValue UserAgent { get; } = new("Tether", Version);

    /// <summary>
    /// A <c>refresh_token</c> grant; the old refresh token is kept when the server rotates none. No <c>scope</c> is sent
    /// unless <see cref="TokenClientConfig.Scope"/> is set (RFC 6749 §6: omitted means the original grant), and an
    /// <c>invalid_scope</c> to a refresh that carried one is tried once more without it.
    /// </summary>
    public async Task<TokenEndpointOutcome> RefreshAsync(TokenClientConfig config, string refreshToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        var outcome = await SendAsync(config, RefreshForm(refreshToken, config.Scope), refreshToken, cancellationToken);
        if (config.Scope is { Length: > 0 } && outcome is { Class: OutcomeClass.Permanent, OAuthError: "invalid_scope" })
        {
            // Strict servers (node oidc-provider with resource indicators) refuse a scope the grant does not hold as
            // such, offline_access included; without one, the server gives the original grant.
            outcome = await SendAsync(config, RefreshForm(refreshToken, null), refreshToken, cancellationToken);
        }

        return outcome;
    }

    private static List<KeyValuePair<string, string>> RefreshForm(string refreshToken, string? scope)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "refresh_token"),
            new("refresh_token", refreshToken),
        };
        if (scope is { Length: > 0 })
        {
            form.Add(new("scope", scope));
        }

        return form;
    }

    private async Task<TokenEndpointOutcome> SendAsync(TokenClientConfig config, List<KeyValuePair<string, string>> form, string? previousRefreshToken, CancellationToken cancellationToken)
    {
        if (config.Resource is { Length: > 0 } resource)
        {
            form.Add(new("resource", resource));
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, config.TokenEndpoint);
        switch (config.AuthMethod)
        {
            case ClientAuthMethod.ClientSecretBasic:
                var basic = Uri.EscapeDataString(config.ClientId) + ":" + Uri.EscapeDataString(config.ClientSecret ?? "");
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(basic)));
                break;
            case ClientAuthMethod.ClientSecretPost:
                form.Add(new("client_id", config.ClientId));
                form.Add(new("client_secret", config.ClientSecret ?? ""));
                break;
            default:
                form.Add(new("client_id", config.ClientId));
                break;
        }

        request.Content = new FormUrlEncodedContent(form);
        request.Headers.UserAgent.Add(UserAgent);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        using var timeout = new CancellationTokenSource(_timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var status = (int)response.StatusCode;
            var retryAfter = RetryAfter(response);
            if (status is >= 300 and < 400)
            {
                return TokenEndpointOutcome.Transient($"token endpoint redirected (http {status}), not followed: a captive portal or proxy?", status, retryAfter);
            }

            var (body, complete) = await ServerAnswerReader.ReadAsync(response.Content, MaxBodyBytes, linked.Token);
            if (!complete)
            {
                return TokenEndpointOutcome.Transient($"token endpoint answer over {MaxBodyBytes / 1024 / 1024} MiB (http {status}), not read", status, retryAfter);
            }

            return Classify(status, body, retryAfter, previousRefreshToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return TokenEndpointOutcome.Cancelled;
        }
        catch (OperationCanceledException)
        {
            return TokenEndpointOutcome.Transient($"token endpoint did not answer within {_timeout.TotalSeconds:0}s");
        }
        catch (HttpRequestException ex)
        {
            return TokenEndpointOutcome.Transient($"token endpoint unreachable: {Describe(ex)}");
        }
        catch (IOException ex)
        {
            return TokenEndpointOutcome.Transient($"token endpoint connection failed: {ex.Message}");
        }
    }

    private TokenEndpointOutcome Classify(int status, byte[] body, TimeSpan? retryAfter, string? previousRefreshToken)
    {
        var answer = TokenResponseBody.Parse(body);
        if (status is >= 200 and < 300 && ParseTokens(answer, previousRefreshToken) is { } tokens)
        {
            return new TokenEndpointOutcome(OutcomeClass.Success, tokens, status, null, null, "refreshed");
        }

        // 5xx and 429 are the server's or a gateway's trouble whatever the body says; elsewhere an RFC 6749 error
        // without an access token is a verdict, whatever the status: GitHub answers a refused refresh with HTTP 200
        // and {"error":"bad_refresh_token"}.
        if (status >= 500)
        {
            return TokenEndpointOutcome.Transient(Described($"token endpoint answered http {status}", answer), status, retryAfter, answer.Error) with { OAuthErrorDescription = answer.Description };
        }

        if (status == 429)
        {
            return TokenEndpointOutcome.Transient("token endpoint is rate limiting (http 429)", status, retryAfter, answer.Error) with { OAuthErrorDescription = answer.Description };
        }

        if (answer.Error is not { } error)
        {
            return status is >= 200 and < 300
                ? TokenEndpointOutcome.Transient($"token endpoint answered http {status} without a usable access_token", status, retryAfter)
                : TokenEndpointOutcome.Transient($"token endpoint answered http {status} with no OAuth error (a WAF or proxy page?)", status, retryAfter);
        }

        if (error is "temporarily_unavailable" or "server_error")
        {
            return TokenEndpointOutcome.Transient(Described($"token endpoint answered {error} (http {status})", answer), status, retryAfter, error) with { OAuthErrorDescription = answer.Description };
        }

        return new TokenEndpointOutcome(OutcomeClass.Permanent, null, status, error, null, Described($"token endpoint refused: {error} (http {status})", answer))
        {
            OAuthErrorDescription = answer.Description,
        };
    }

    private static string Described(string reason, TokenResponseBody answer) =>
        answer.Description is { } description ? $"{reason}: {description}" : reason;

    private TokenSet? ParseTokens(TokenResponseBody answer, string? previousRefreshToken)
    {
        if (answer.AccessToken is not { } accessToken)
        {
            return null;
        }

        var refresh = answer.RefreshToken ?? previousRefreshToken;
        var now = _time.GetUtcNow();
        return new TokenSet(accessToken, answer.Lifetime is { } l ? now + l : null, refresh, answer.Scope) { IssuedLifetime = answer.Lifetime };
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is not { } header)
        {
            return response.Headers.TryGetValues("Retry-After", out var raw) ? RetryAfterParser.Parse(raw.FirstOrDefault(), _time.GetUtcNow()) : null;
        }

        return header.Delta is { } delta
            ? RetryAfterParser.Parse(((long)delta.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture), _time.GetUtcNow())
            : header.Date is { } date ? RetryAfterParser.Parse(date.ToString("r", System.Globalization.CultureInfo.InvariantCulture), _time.GetUtcNow()) : null;
    }

    private static string Describe(HttpRequestException ex) => ex.InnerException switch
    {
        SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData } => "DNS lookup failed",
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "connection refused",
        SocketException { SocketErrorCode: SocketError.ConnectionReset } => "connection reset",
        SocketException socket => socket.SocketErrorCode.ToString(),
        AuthenticationException => "TLS handshake failed",
        IOException io => io.Message,
        _ => ex.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => "DNS lookup failed",
            HttpRequestError.ConnectionError => "connection failed",
            HttpRequestError.SecureConnectionError => "TLS handshake failed",
            HttpRequestError.ResponseEnded => "connection closed before an answer",
            _ => ex.Message,
        },
    };
}
