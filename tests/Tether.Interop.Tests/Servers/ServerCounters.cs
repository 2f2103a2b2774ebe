namespace Tether.Interop.Servers;

/// <summary>What reached an interop server.</summary>
/// <param name="TokenRequests">Every request to the token endpoint, those the WAF answered included.</param>
/// <param name="RefreshesRefused">Refresh requests the authorization server itself refused, when it reports them.</param>
/// <param name="BearersAccepted">Distinct access tokens the MCP server accepted.</param>
public sealed record ServerCounters(int TokenRequests, int? RefreshesRefused, int BearersAccepted);
