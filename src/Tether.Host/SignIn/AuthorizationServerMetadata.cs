using System.Text.Json;

namespace Tether.SignIn;

/// <summary>The RFC 8414 / OpenID metadata sign-in uses.</summary>
internal sealed record AuthorizationServerMetadata(
    Uri Issuer,
    Uri AuthorizationEndpoint,
    Uri TokenEndpoint,
    Uri? RegistrationEndpoint,
    IReadOnlyList<string> ScopesSupported,
    bool IssParameterSupported,
    bool ClientIdMetadataDocumentSupported = false)
{
    /// <summary>
    /// Whether <see cref="Issuer"/> was named by the server or the user (and <c>iss</c> on the redirect can be checked
    /// against it); <see langword="false"/> for endpoints given without <c>--issuer</c>.
    /// </summary>
    public bool IssuerKnown { get; init; } = true;

    /// <summary>
    /// Endpoints the user gave (<c>--authorize-url</c>, <c>--token-url</c>): nothing is discovered, PKCE S256 is used
    /// regardless, and registration needs <c>--client-id</c>.
    /// </summary>
    public static AuthorizationServerMetadata Given(Uri? issuer, Uri authorizationEndpoint, Uri tokenEndpoint) =>
        new(issuer ?? new Uri(tokenEndpoint.GetLeftPart(UriPartial.Authority) + "/"), authorizationEndpoint, tokenEndpoint, null, [], false)
        {
            IssuerKnown = issuer is not null,
        };

    /// <summary>
    /// Discovers <paramref name="issuer"/>'s metadata in the MCP specification's order (RFC 8414 then OpenID, path-aware)
    /// and checks that the document names the same issuer and supports PKCE S256.
    /// </summary>
    public static async Task<AuthorizationServerMetadata> DiscoverAsync(MetadataFetcher fetcher, Uri issuer, CancellationToken cancellationToken)
    {
        foreach (var url in Candidates(issuer))
        {
            if (await fetcher.GetAsync(url, "authorization server metadata", cancellationToken) is { } json)
            {
                return Read(json, issuer, url);
            }
        }

        throw new SignInException($"no authorization server metadata found for {issuer} (tried RFC 8414 and OpenID discovery)");
    }

    /// <summary>The well-known URLs to try, in order.</summary>
    public static IEnumerable<Uri> Candidates(Uri issuer)
    {
        var origin = issuer.GetLeftPart(UriPartial.Authority);
        var path = issuer.AbsolutePath.TrimEnd('/');
        if (path.Length == 0)
        {
            yield return new Uri(origin + "/.well-known/oauth-authorization-server");
            yield return new Uri(origin + "/.well-known/openid-configuration");
        }
        else
        {
            yield return new Uri(origin + "/.well-known/oauth-authorization-server" + path);
            yield return new Uri(origin + "/.well-known/openid-configuration" + path);
            yield return new Uri(origin + path + "/.well-known/openid-configuration");
        }
    }

    private static AuthorizationServerMetadata Read(JsonElement json, Uri issuer, Uri from)
    {
        var named = String(json, "issuer");
        if (named is null || !SameIssuer(named, issuer))
        {
            throw new SignInException($"the metadata at {from} names issuer '{named}', not {issuer}; refusing it");
        }

        var methods = Strings(json, "code_challenge_methods_supported");
        if (!methods.Contains("S256"))
        {
            throw new SignInException($"the authorization server {issuer} does not advertise PKCE S256; Tether refuses to sign in without it");
        }

        return new AuthorizationServerMetadata(
            issuer,
            Url(json, "authorization_endpoint", from) ?? throw new SignInException($"the metadata at {from} has no authorization_endpoint"),
            Url(json, "token_endpoint", from) ?? throw new SignInException($"the metadata at {from} has no token_endpoint"),
            Url(json, "registration_endpoint", from),
            Strings(json, "scopes_supported"),
            json.TryGetProperty("authorization_response_iss_parameter_supported", out var iss) && iss.ValueKind == JsonValueKind.True,
            json.TryGetProperty("client_id_metadata_document_supported", out var cimd) && cimd.ValueKind == JsonValueKind.True);
    }

    private static bool SameIssuer(string named, Uri issuer) =>
        string.Equals(named.TrimEnd('/'), issuer.AbsoluteUri.TrimEnd('/'), StringComparison.Ordinal);

    private static string? String(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static Uri? Url(JsonElement json, string name, Uri from)
    {
        if (String(json, name) is not { } text)
        {
            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var url))
        {
            throw new SignInException($"the metadata at {from} has an invalid {name}");
        }

        MetadataFetcher.EnsureAllowed(url, name);
        return url;
    }

    internal static IReadOnlyList<string> Strings(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList()
            : [];
}
