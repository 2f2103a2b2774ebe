using Tether.Store;

namespace Tether.Tests.Store;

internal static class TestWorkloads
{
    public static WorkloadRecord New(string name, int? port = 8421) => new(
        name,
        $"https://mcp.example.test/{name}",
        "streamable-http",
        port,
        new WorkloadConfig { Scopes = ["read", "write"], ClientId = "client-1", CallbackPort = 33418, HeaderNames = ["X-Team"] });
}
