namespace Tether.SignIn;

/// <summary>
/// RFC 9728 §3.3: the <c>resource</c> of protected resource metadata must identify the MCP URL in use, or a server
/// could have Tether ask for (and then hand it) a token meant for another resource.
/// </summary>
internal static class ResourceCheck
{
    /// <summary>
    /// Accepts <paramref name="resource"/> when it is the MCP URL (scheme and host case aside, a trailing slash aside),
    /// or the same origin with a path that the MCP URL's path lies under (a server's root metadata naming its origin),
    /// as MCP clients commonly allow. Anything else stops sign-in.
    /// </summary>
    /// <exception cref="SignInException">Missing or naming another resource; the message names both.</exception>
    public static void EnsureMatches(string? resource, Uri mcpUrl, Uri metadataUrl)
    {
        if (resource is null)
        {
            throw new SignInException($"the protected resource metadata at {metadataUrl} names no resource; it must name {mcpUrl} (RFC 9728)");
        }

        if (!Uri.TryCreate(resource, UriKind.Absolute, out var named) || !Covers(named, mcpUrl))
        {
            throw new SignInException(
                $"the protected resource metadata at {metadataUrl} is for {resource}, not {mcpUrl}; refusing to sign in, since a token for it could go to the wrong server (RFC 9728 §3.3)");
        }
    }

    private static bool Covers(Uri named, Uri mcpUrl)
    {
        if (!string.IsNullOrEmpty(named.Query) || !string.IsNullOrEmpty(named.Fragment)
            || Uri.Compare(named, mcpUrl, UriComponents.SchemeAndServer, UriFormat.SafeUnescaped, StringComparison.OrdinalIgnoreCase) != 0
            || !string.IsNullOrEmpty(named.UserInfo))
        {
            return false;
        }

        var namedPath = named.AbsolutePath.TrimEnd('/');
        var mcpPath = mcpUrl.AbsolutePath.TrimEnd('/');
        return namedPath.Length == 0
            || string.Equals(namedPath, mcpPath, StringComparison.Ordinal)
            || mcpPath.StartsWith(namedPath + "/", StringComparison.Ordinal);
    }
}
