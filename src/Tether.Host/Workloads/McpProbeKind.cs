namespace Tether.Workloads;

/// <summary>How a URL answered the MCP check before a workload may be <c>running</c>.</summary>
internal enum McpProbeKind
{
    /// <summary>An MCP answer (a JSON-RPC message or an event stream): the server asks for no sign-in.</summary>
    Mcp,

    /// <summary>A 401: the server asks for sign-in.</summary>
    Challenge,

    /// <summary>Something that is not MCP (a 404 page, a 501, HTML): the reason names what came back.</summary>
    NotMcp,

    /// <summary>No answer at all (refused, DNS, time-out): the reason names the cause.</summary>
    Unreachable,
}
