namespace Tether.Tokens;

/// <summary>What the engine needs to refresh one workload's tokens. <see cref="ClientSecret"/> is a secret.</summary>
/// <param name="TokenEndpoint">The authorization server's token endpoint.</param>
/// <param name="ClientId">The OAuth client id.</param>
/// <param name="ClientSecret">The client secret, for confidential clients.</param>
/// <param name="AuthMethod">How the client authenticates.</param>
/// <param name="Resource">The RFC 8707 resource, or <see langword="null"/> to send none.</param>
/// <param name="Scope">The scope the user set for refresh, or <see langword="null"/> to send none (RFC 6749 §6: the original grant).</param>
/// <param name="Issuer">The authorization server (for logs and the remediation hint).</param>
/// <param name="ClientFromRegistration">The client came from dynamic registration or a client metadata document.</param>
public sealed record TokenClientConfig(
    Uri TokenEndpoint,
    string ClientId,
    string? ClientSecret,
    ClientAuthMethod AuthMethod,
    string? Resource,
    string? Scope,
    string? Issuer,
    bool ClientFromRegistration)
{
    /// <summary>Never prints the client secret.</summary>
    public override string ToString() =>
        $"TokenClientConfig {{ TokenEndpoint = {TokenEndpoint}, ClientId = {ClientId}, AuthMethod = {AuthMethod}, Resource = {Resource}, Scope = {Scope}, Issuer = {Issuer} }}";
}
