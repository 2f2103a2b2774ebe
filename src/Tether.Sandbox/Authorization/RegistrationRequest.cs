namespace Tether.Sandbox.Authorization;

/// <summary>The RFC 7591 client metadata the sandbox reads.</summary>
internal sealed record RegistrationRequest(
    IReadOnlyList<string>? RedirectUris,
    string? TokenEndpointAuthMethod,
    IReadOnlyList<string>? GrantTypes,
    IReadOnlyList<string>? ResponseTypes,
    string? ClientName,
    string? ApplicationType,
    string? Scope);

/// <summary>The RFC 7591 registration answer.</summary>
internal sealed record RegistrationResponse(
    string ClientId,
    string? ClientSecret,
    long ClientIdIssuedAt,
    IReadOnlyList<string> RedirectUris,
    IReadOnlyList<string> GrantTypes,
    IReadOnlyList<string> ResponseTypes,
    string TokenEndpointAuthMethod,
    string? ClientName);

/// <summary>An OAuth error body.</summary>
internal sealed record OAuthError(string Error, string ErrorDescription);
