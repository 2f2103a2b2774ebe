using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Tether.Http;
using Tether.Tokens;

namespace Tether.SignIn;

/// <summary>
/// The authorization code grant's token request (RFC 6749 §4.1.3 with PKCE and RFC 8707 <c>resource</c>), its answer
/// read through <see cref="ServerAnswerReader"/>: capped at 1 MiB and time-limited.
/// </summary>
internal static class CodeExchange
{
    /// <summary>Exchanges <paramref name="code"/> for tokens.</summary>
    /// <exception cref="SignInException">No access token came back; the message says why.</exception>
    public static async Task<(string AccessToken, TimeSpan? Lifetime, string? RefreshToken, string? Scope)> ExchangeAsync(
        HttpClient http, Uri tokenEndpoint, string clientId, string? clientSecret, ClientAuthMethod authMethod,
        string code, Uri redirectUri, string verifier, string? resource, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "authorization_code"),
            new("code", code),
            new("redirect_uri", redirectUri.AbsoluteUri),
            new("code_verifier", verifier),
        };
        if (resource is not null)
        {
            form.Add(new("resource", resource));
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, tokenEndpoint);
        if (authMethod == ClientAuthMethod.ClientSecretBasic)
        {
            var basic = Uri.EscapeDataString(clientId) + ":" + Uri.EscapeDataString(clientSecret ?? string.Empty);
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(basic)));
        }
        else
        {
            form.Add(new("client_id", clientId));
            if (clientSecret is not null)
            {
                form.Add(new("client_secret", clientSecret));
            }
        }

        request.Content = new FormUrlEncodedContent(form);
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.UserAgent.Add(TokenEndpointClient.UserAgent);
        ServerAnswer answer;
        try
        {
            answer = await ServerAnswerReader.SendAsync(http, request, ServerAnswerReader.TokenLimit, timeout, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new SignInException($"the code exchange at {tokenEndpoint} did not answer within {timeout.TotalSeconds:0}s");
        }
        catch (HttpRequestException ex)
        {
            throw new SignInException($"the code exchange failed: cannot reach {tokenEndpoint} ({ex.Message})", ex);
        }

        if (!answer.Complete)
        {
            throw new SignInException(
                $"the code exchange at {tokenEndpoint} answered more than {ServerAnswerReader.TokenLimit / 1024 / 1024} MiB (http {(int)answer.Status}); refusing to read it");
        }

        return Parse(answer, tokenEndpoint);
    }

    private static (string AccessToken, TimeSpan? Lifetime, string? RefreshToken, string? Scope) Parse(ServerAnswer answer, Uri tokenEndpoint)
    {
        JsonElement root;
        try
        {
            using var json = JsonDocument.Parse(answer.Body);
            root = json.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new SignInException($"the code exchange failed: {tokenEndpoint} answered http {(int)answer.Status} without JSON");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new SignInException($"the code exchange failed: {tokenEndpoint} answered http {(int)answer.Status} with no JSON object");
        }

        if (!answer.IsSuccess || String(root, "error") is not null)
        {
            var error = String(root, "error") ?? $"http {(int)answer.Status}";
            throw new SignInException($"the code exchange failed: {error} {String(root, "error_description")}".TrimEnd());
        }

        if (String(root, "access_token") is not { Length: > 0 } accessToken)
        {
            throw new SignInException("the code exchange failed: no access token");
        }

        TimeSpan? lifetime = root.TryGetProperty("expires_in", out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : root.TryGetProperty("expires_in", out var s) && s.ValueKind == JsonValueKind.String && long.TryParse(s.GetString(), out var parsed) && parsed > 0
                ? TimeSpan.FromSeconds(parsed)
                : null;
        return (accessToken, lifetime, String(root, "refresh_token"), String(root, "scope"));
    }

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
