namespace Tether.Sandbox.Mcp;

/// <summary>RFC 9728 protected resource metadata.</summary>
internal sealed record ProtectedResourceMetadata(
    string Resource,
    IReadOnlyList<string> AuthorizationServers,
    IReadOnlyList<string> ScopesSupported,
    IReadOnlyList<string> BearerMethodsSupported,
    string ResourceName);
