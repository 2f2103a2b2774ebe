using System.ComponentModel;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Tether.Sandbox.Mcp;

/// <summary>The sandbox MCP server's tools.</summary>
[McpServerToolType]
public static class SandboxTools
{
    /// <summary>Returns the message it is given.</summary>
    [McpServerTool(Name = "echo"), Description("Returns the message it is given.")]
    public static string Echo([Description("The message to echo.")] string message) => message;

    /// <summary>Adds two integers.</summary>
    [McpServerTool(Name = "add"), Description("Adds two integers.")]
    public static long Add([Description("First addend.")] long a, [Description("Second addend.")] long b) => a + b;

    /// <summary>The server's current time.</summary>
    [McpServerTool(Name = "current_time"), Description("The server's current time (UTC, ISO 8601).")]
    public static string CurrentTime(TimeProvider time) => time.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Counts with progress notifications over SSE.</summary>
    /// <remarks>
    /// Each notification is sent and awaited before the next step: the SDK's <see cref="IProgress{T}"/> sends without
    /// waiting, so on a busy machine two of its notifications could leave in either order, and tests check the order.
    /// </remarks>
    [McpServerTool(Name = "slow_stream"), Description("Counts to 'steps', sending a progress notification per step, 'delay_ms' apart.")]
    public static async Task<string> SlowStream(
        McpServer server,
        RequestContext<CallToolRequestParams> request,
        [Description("How many steps (1-100).")] int steps = 5,
        [Description("Delay between steps in ms (0-5000).")] int delay_ms = 200,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(request);
        if (steps is < 1 or > 100 || delay_ms is < 0 or > 5000)
        {
            throw new McpException("steps must be 1-100 and delay_ms 0-5000");
        }

        var token = request.Params?.ProgressToken;
        for (var i = 1; i <= steps; i++)
        {
            await Task.Delay(delay_ms, cancellationToken);
            if (token is { } progressToken)
            {
                await server.NotifyProgressAsync(progressToken, new ProgressNotificationValue { Progress = i, Total = steps, Message = $"step {i} of {steps}" }, cancellationToken: cancellationToken);
            }
        }

        return $"done after {steps} steps";
    }
}
