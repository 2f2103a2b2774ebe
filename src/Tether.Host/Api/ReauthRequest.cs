namespace Tether.Api;

/// <summary>The body of <c>POST /api/v1/workloads/{name}/reauth</c>.</summary>
/// <param name="Reregister">Drop the cached client registration and register a new client.</param>
public sealed record ReauthRequest(bool Reregister = false);
