using ModelContextProtocol.Protocol;

namespace Tether.Cli;

/// <summary>The JSON-RPC errors the stdio bridge answers itself, when the local endpoint gave none.</summary>
internal static class StdioErrors
{
    /// <summary>"Not available for now": the code the local endpoint uses for its own 503 answers.</summary>
    public const int Unavailable = -32001;

    public static JsonRpcError For(RequestId id, int code, string message) => new()
    {
        Id = id,
        Error = new JsonRpcErrorDetail { Code = code, Message = message },
    };

    /// <summary>A one-line message for a relay that failed without a JSON-RPC answer.</summary>
    public static string Describe(Exception ex, string workload) => ex switch
    {
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } =>
            $"{workload}'s local endpoint is not answering; 'tether status {workload}' shows why",
        HttpRequestException { StatusCode: { } status } =>
            $"{workload}'s local endpoint answered {(int)status}: {FirstLine(ex.Message)}",
        CliException => ex.Message,
        _ => $"{workload}: {FirstLine(ex.Message)}",
    };

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }
}
