namespace Tether.Cli;

/// <summary>An MCP session opened by an <c>initialize</c> already relayed and answered.</summary>
/// <param name="Id">The server's <c>Mcp-Session-Id</c>, or <see langword="null"/> for a server without sessions.</param>
/// <param name="ProtocolVersion">The protocol version the server chose, sent on every later request.</param>
internal sealed record StdioSession(string? Id, string? ProtocolVersion);
