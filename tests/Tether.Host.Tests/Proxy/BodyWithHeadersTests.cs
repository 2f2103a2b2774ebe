using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tether.Proxy;
using Yarp.ReverseProxy.Forwarder;

namespace Tether.Tests.Proxy;

/// <summary>
/// YARP's forwarder, as the endpoints run it, writing a request into a connection that records what it is asked to do:
/// a body of known length goes out with its headers (no flush before its first byte); a chunked one keeps the early flush.
/// </summary>
public sealed class BodyWithHeadersTests
{
    private const string Body = """{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"echo","arguments":{"message":"hi"}}}""";

    [Fact]
    public async Task Forward_BodyOfKnownLength_NoFlushBeforeTheBodyAndTheBodyWhole()
    {
        var connection = new RecordingConnection();

        await ForwardAsync(new BodyWithHeaders(connection), chunked: false);

        Assert.Equal("write", connection.Operations[0]);
        Assert.DoesNotContain("flush", connection.Operations);
        Assert.Equal(Body, connection.Written);
        Assert.Equal(Body.Length, connection.ContentLength);
        Assert.Equal("application/json", connection.ContentType);
    }

    [Fact]
    public async Task Forward_WithoutIt_TheForwarderFlushesTheHeadersFirst()
    {
        // What the handler is for: YARP alone sends the headers in a write of their own.
        var connection = new RecordingConnection();

        await ForwardAsync(connection, chunked: false);

        Assert.Equal("flush", connection.Operations[0]);
        Assert.Equal(Body, connection.Written);
    }

    [Fact]
    public async Task Forward_ChunkedBody_HeadersStillFlushedFirst()
    {
        var connection = new RecordingConnection();

        await ForwardAsync(new BodyWithHeaders(connection), chunked: true);

        Assert.Equal("flush", connection.Operations[0]);
        Assert.Equal(Body, connection.Written);
        Assert.Null(connection.ContentLength);
    }

    private static async Task ForwardAsync(HttpMessageHandler handler, bool chunked)
    {
        await using var services = new ServiceCollection().AddLogging(l => l.SetMinimumLevel(LogLevel.None)).AddHttpForwarder().BuildServiceProvider();
        var forwarder = services.GetRequiredService<IHttpForwarder>();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Method = "POST";
        context.Request.Protocol = "HTTP/1.1";
        context.Request.Path = "/mcp";
        context.Request.ContentType = "application/json";
        if (chunked)
        {
            context.Request.Headers.TransferEncoding = "chunked";
        }
        else
        {
            context.Request.ContentLength = Encoding.UTF8.GetByteCount(Body);
        }

        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(Body));
        using var invoker = new HttpMessageInvoker(handler);

        var error = await forwarder.SendAsync(context, "http://127.0.0.1:9/", invoker);

        Assert.Equal(ForwarderError.None, error);
        Assert.Equal(200, context.Response.StatusCode);
    }

    /// <summary>
    /// Stands for <see cref="SocketsHttpHandler"/>'s HTTP/1.1 connection: copies the content into a stream that records
    /// every write and flush, with the request's own token (as the connection passes it on), and answers 200.
    /// </summary>
    private sealed class RecordingConnection : HttpMessageHandler
    {
        private readonly MemoryStream _written = new();

        public List<string> Operations { get; } = [];

        public string Written => Encoding.UTF8.GetString(_written.ToArray());

        public long? ContentLength { get; private set; }

        public string? ContentType { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            ContentLength = request.Content!.Headers.ContentLength;
            ContentType = request.Content.Headers.ContentType?.MediaType;
            await request.Content.CopyToAsync(new Recorder(this), cancellationToken);
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([]) };
        }

        private sealed class Recorder(RecordingConnection connection) : Stream
        {
            public override bool CanRead => false;

            public override bool CanSeek => false;

            public override bool CanWrite => true;

            public override long Length => throw new NotSupportedException();

            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

            public override void Flush() => connection.Operations.Add("flush");

            public override Task FlushAsync(CancellationToken cancellationToken)
            {
                Flush();
                return Task.CompletedTask;
            }

            public override void Write(byte[] buffer, int offset, int count)
            {
                connection.Operations.Add("write");
                connection._written.Write(buffer, offset, count);
            }

            public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
            {
                connection.Operations.Add("write");
                connection._written.Write(buffer.Span);
                return ValueTask.CompletedTask;
            }

            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();
        }
    }
}
