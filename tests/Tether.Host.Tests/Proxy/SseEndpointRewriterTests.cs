using System.Text;
using Tether.Proxy;

namespace Tether.Tests.Proxy;

public sealed class SseEndpointRewriterTests
{
    private static readonly Uri Remote = new("https://mcp.example.com/");
    private static readonly Uri Local = new("http://127.0.0.1:7000/");

    private static async Task<string> RewriteAsync(string stream, int chunk)
    {
        var inner = new MemoryStream();
        var rewriter = new SseEndpointRewriter(inner, Remote, Local);
        var bytes = Encoding.UTF8.GetBytes(stream);
        for (var i = 0; i < bytes.Length; i += chunk)
        {
            await rewriter.WriteAsync(bytes.AsMemory(i, Math.Min(chunk, bytes.Length - i)), TestContext.Current.CancellationToken);
        }

        await rewriter.CompleteAsync(TestContext.Current.CancellationToken);
        return Encoding.UTF8.GetString(inner.ToArray());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public async Task EndpointEventSplitAcrossWrites_RewrittenOnce(int chunk)
    {
        var output = await RewriteAsync("event: endpoint\r\ndata: https://mcp.example.com/sse/message?sessionId=1\r\n\r\nevent: message\ndata: https://mcp.example.com/sse/message\n\n", chunk);

        Assert.Equal("event: endpoint\ndata: http://127.0.0.1:7000/sse/message?sessionId=1\n\nevent: message\ndata: https://mcp.example.com/sse/message\n\n", output);
    }

    [Fact]
    public async Task EndpointOnAnotherHost_LeftAlone()
    {
        var output = await RewriteAsync("event: endpoint\ndata: https://other.example.com/message\n\n", 5);

        Assert.Equal("event: endpoint\ndata: https://other.example.com/message\n\n", output);
    }

    [Fact]
    public async Task StreamWithoutAnEndpointEvent_CopiedByteForByte()
    {
        var stream = string.Concat(Enumerable.Repeat("data: " + new string('x', 1000) + "\n\n", 40)) + "data: unfinished";

        Assert.Equal(stream, await RewriteAsync(stream, 333));
    }
}
