namespace Tether.Sandbox.Authorization;

/// <summary>A client the sandbox knows: pre-registered or from dynamic registration.</summary>
/// <param name="ClientId">The id.</param>
/// <param name="Secret">The secret of a confidential client, or <see langword="null"/> for a public one.</param>
/// <param name="RedirectUris">The registered redirect URIs.</param>
public sealed record SandboxClient(string ClientId, string? Secret, IReadOnlyList<Uri> RedirectUris)
{
    /// <summary>
    /// Whether <paramref name="redirectUri"/> is registered; for loopback addresses any port matches (RFC 8252 §7.3:
    /// native apps pick their port at the time of the request).
    /// </summary>
    public bool Allows(Uri redirectUri) => RedirectUris.Any(r =>
        r == redirectUri
        || (r.IsLoopback && redirectUri.IsLoopback && r.Scheme == redirectUri.Scheme && r.Host == redirectUri.Host && r.AbsolutePath == redirectUri.AbsolutePath));

    /// <summary>Never prints the secret.</summary>
    public override string ToString() => $"SandboxClient {{ ClientId = {ClientId}, Confidential = {Secret is not null} }}";
}
