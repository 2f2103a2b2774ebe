using Tether.SignIn;

namespace Tether.Workloads;

/// <summary>The outcome of <see cref="McpProbe.CheckAsync"/>.</summary>
/// <param name="Kind">How the URL answered.</param>
/// <param name="Challenge">The parsed <c>WWW-Authenticate</c> challenge, for <see cref="McpProbeKind.Challenge"/>.</param>
/// <param name="Problem">What came back instead of MCP, for <see cref="McpProbeKind.NotMcp"/> and <see cref="McpProbeKind.Unreachable"/>.</param>
internal sealed record McpProbeResult(McpProbeKind Kind, AuthChallenge? Challenge = null, string? Problem = null);
