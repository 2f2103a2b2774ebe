namespace Tether.Store;

/// <summary>An OAuth client known for one issuer, cached and reused across workloads and sign-ins.</summary>
/// <param name="Issuer">The authorization server's issuer identifier.</param>
/// <param name="ClientId">The client id (a URL for a metadata document).</param>
/// <param name="ClientSecret">The client secret, when there is one; stored encrypted.</param>
/// <param name="Kind">How the client came to exist.</param>
/// <param name="CallbackPort">The loopback port of the registered redirect URI.</param>
/// <param name="CreatedAt">When it was saved (set by the store).</param>
public sealed record ClientRegistration(
    string Issuer,
    string ClientId,
    string? ClientSecret,
    RegistrationKind Kind,
    int CallbackPort,
    DateTimeOffset CreatedAt = default)
{
    /// <summary>Never prints the client secret.</summary>
    public override string ToString() =>
        $"ClientRegistration {{ Issuer = {Issuer}, ClientId = {ClientId}, Kind = {Kind}, CallbackPort = {CallbackPort}, HasSecret = {ClientSecret is not null} }}";
}
