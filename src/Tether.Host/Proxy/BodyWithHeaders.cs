using System.Net;

namespace Tether.Proxy;

/// <summary>
/// Sends a request body of announced length in the same write as the request's headers. YARP's request content flushes
/// the headers to the connection before it copies the first byte of the body (so that a streamed gRPC call reaches the
/// server before its body does), which puts every proxied MCP <c>POST</c> on the wire as two segments: one more system
/// call for the host, and for the remote server one more wake-up and read before it has the whole request. Here, for a
/// body whose <c>Content-Length</c> is known, that first flush is left out: the connection's own buffer takes the
/// headers and then the body, and <see cref="SocketsHttpHandler"/> flushes it once the content is written (or as soon
/// as the buffer fills, for a large body). A body of unknown length (chunked, possibly streamed by the client) keeps
/// YARP's early flush, so a server that answers before the body ends still sees the headers at once.
/// </summary>
internal sealed class BodyWithHeaders(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is { Headers.ContentLength: > 0 } content)
        {
            request.Content = new Wrapped(content);
        }

        return base.SendAsync(request, cancellationToken);
    }

    /// <summary>The forwarder's content, written through a stream that ignores flushes until the body's first write.</summary>
    private sealed class Wrapped : HttpContent
    {
        private readonly HttpContent _inner;

        public Wrapped(HttpContent inner)
        {
            _inner = inner;
            foreach (var header in inner.Headers.NonValidated)
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        // The same token goes on: YARP tells HTTP/1.1 from HTTP/2 by whether it is the request's own.
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
            _inner.CopyToAsync(new FirstWriteFlushes(stream), context, cancellationToken);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>Writes go through; a flush before the first write is dropped, every later one goes through.</summary>
    private sealed class FirstWriteFlushes(Stream inner) : Stream
    {
        private bool _written;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Flush()
        {
            if (_written)
            {
                inner.Flush();
            }
        }

        public override Task FlushAsync(CancellationToken cancellationToken) =>
            _written ? inner.FlushAsync(cancellationToken) : Task.CompletedTask;

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _written = true;
            inner.Write(buffer);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _written = true;
            return inner.WriteAsync(buffer, cancellationToken);
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
