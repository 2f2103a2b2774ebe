namespace Tether.Sandbox.Control;

/// <summary><c>POST /control/faults</c>: <c>{"fault":"waf-403","count":3,"duration":"30s","retry_after":"5s"}</c>.</summary>
internal sealed record FaultRequest(string? Fault, int? Count, string? Duration, string? RetryAfter);

/// <summary>The fault in force.</summary>
internal sealed record FaultView(string Fault);

/// <summary><c>POST /control/token-lifetime</c>: <c>{"seconds":10}</c>.</summary>
internal sealed record TokenLifetimeRequest(int Seconds);

/// <summary><c>GET /control/counters</c>.</summary>
internal sealed record CountersView(int TokenRequests, int McpRequests);

/// <summary>What <c>tether sandbox --format json</c> prints.</summary>
internal sealed record SandboxDescription(string Issuer, string McpUrl, string ControlUrl);
