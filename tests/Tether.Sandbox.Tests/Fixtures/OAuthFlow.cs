using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Tether.Sandbox;

namespace Tether.Tests.Fixtures;

/// <summary>A plain OAuth client (DCR + PKCE + code exchange) to drive the sandbox by hand in tests.</summary>
public sealed class OAuthFlow(SandboxServer sandbox) : IDisposable
{
    public static readonly Uri Callback = new("http://127.0.0.1:45871/callback");

    public HttpClient Http { get; } = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false });

    public Uri TokenEndpoint => new(sandbox.Issuer, "token");

    public async Task<string> RegisterAsync(CancellationToken ct)
    {
        using var response = await Http.PostAsJsonAsync(new Uri(sandbox.Issuer, "register"), new Dictionary<string, object>
        {
            ["redirect_uris"] = new[] { Callback.AbsoluteUri },
            ["token_endpoint_auth_method"] = "none",
            ["client_name"] = "test",
        }, ct);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        return json.RootElement.GetProperty("client_id").GetString()!;
    }

    public static (string Verifier, string Challenge) Pkce()
    {
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        return (verifier, Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    public Uri AuthorizeUrl(string clientId, string challenge, string state, string? resource = null, string method = "S256") =>
        new(QueryHelpers.AddQueryString(new Uri(sandbox.Issuer, "authorize").AbsoluteUri, new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = clientId,
            ["redirect_uri"] = Callback.AbsoluteUri,
            ["scope"] = SandboxServer.Scope,
            ["state"] = state,
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = method,
            ["resource"] = resource ?? sandbox.McpUrl.AbsoluteUri,
        }));

    /// <summary>Signs in and returns the token response's JSON.</summary>
    public async Task<JsonElement> SignInAsync(CancellationToken ct, string? resource = null)
    {
        var clientId = await RegisterAsync(ct);
        var (verifier, challenge) = Pkce();
        var redirect = await sandbox.AuthorizeAsync(AuthorizeUrl(clientId, challenge, "st-1", resource), ct);
        var query = QueryHelpers.ParseQuery(redirect.Query);
        using var response = await Http.PostAsync(TokenEndpoint, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = query["code"]!,
            ["redirect_uri"] = Callback.AbsoluteUri,
            ["client_id"] = clientId,
            ["code_verifier"] = verifier,
            ["resource"] = resource ?? sandbox.McpUrl.AbsoluteUri,
        }), ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.IsSuccessStatusCode, body);
        var json = JsonDocument.Parse(body).RootElement.Clone();
        ClientId = clientId;
        return json;
    }

    public string? ClientId { get; private set; }

    public async Task<HttpResponseMessage> RefreshAsync(string refreshToken, CancellationToken ct) =>
        await Http.PostAsync(TokenEndpoint, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
            ["client_id"] = ClientId!,
        }), ct);

    public void Dispose() => Http.Dispose();

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
