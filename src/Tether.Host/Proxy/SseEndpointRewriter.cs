using System.Buffers;
using System.Text;

namespace Tether.Proxy;

/// <summary>
/// The legacy SSE transport's <c>endpoint</c> event names where the client posts its messages. When the remote server
/// names itself with an absolute URL, the client would post there directly, past Tether; this stream rewrites that
/// URL to the local endpoint. Events are passed on whole as they complete; once the endpoint event has been seen (or
/// <see cref="MaxScan"/> bytes went by without it), everything else is copied untouched. The announced URL, resolved
/// against the stream's own URL, is reported to <paramref name="announced"/> when it is on the remote's origin, before
/// the client can see it: it is the one other path the local endpoint forwards.
/// </summary>
internal sealed class SseEndpointRewriter(Stream inner, Uri remoteOrigin, Uri localOrigin, Uri? streamUrl = null, Action<Uri>? announced = null) : Stream
{
    /// <summary>How far into a stream the endpoint event is looked for.</summary>
    public const int MaxScan = 16 * 1024;

    private readonly ArrayBufferWriter<byte> _pending = new();
    private long _scanned;
    private bool _passthrough;

    /// <summary>The upstream URL the stream announced for its messages, once seen and when on the remote's origin.</summary>
    public Uri? Announced { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_passthrough)
        {
            await inner.WriteAsync(buffer, cancellationToken);
            return;
        }

        _pending.Write(buffer.Span);
        _scanned += buffer.Length;
        while (!_passthrough && EventEnd(_pending.WrittenSpan) is var end and > 0)
        {
            var (isEndpoint, output) = Rewrite(_pending.WrittenSpan[..end]);
            await inner.WriteAsync(output, cancellationToken);
            var rest = _pending.WrittenSpan[end..].ToArray();
            _pending.ResetWrittenCount();
            _pending.Write(rest);
            _passthrough = isEndpoint;
        }

        if (_passthrough || _scanned > MaxScan)
        {
            await CompleteAsync(cancellationToken);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override void Flush() => inner.Flush();

    /// <summary>Writes whatever is still held (an unfinished event at the end of the stream) and copies the rest as is.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        _passthrough = true;
        if (_pending.WrittenCount > 0)
        {
            await inner.WriteAsync(_pending.WrittenMemory, cancellationToken);
            _pending.ResetWrittenCount();
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>The length of the first complete event (through its blank line), or 0.</summary>
    private static int EventEnd(ReadOnlySpan<byte> bytes)
    {
        var lf = bytes.IndexOf("\n\n"u8);
        var crlf = bytes.IndexOf("\r\n\r\n"u8);
        return (lf, crlf) switch
        {
            ( < 0, < 0) => 0,
            ( >= 0, < 0) => lf + 2,
            ( < 0, >= 0) => crlf + 4,
            _ => Math.Min(lf + 2, crlf + 4),
        };
    }

    private (bool IsEndpoint, ReadOnlyMemory<byte> Output) Rewrite(ReadOnlySpan<byte> sseEvent)
    {
        var text = Encoding.UTF8.GetString(sseEvent);
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        if (!lines.Any(l => l is "event: endpoint" or "event:endpoint"))
        {
            return (false, sseEvent.ToArray());
        }

        var rewritten = new StringBuilder();
        foreach (var line in lines.Where(l => l.Length > 0))
        {
            if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                var endpoint = line["data:".Length..].TrimStart(' ');
                Announce(endpoint);
                rewritten.Append("data: ").Append(Local(endpoint)).Append('\n');
            }
            else
            {
                rewritten.Append(line).Append('\n');
            }
        }

        return (true, Encoding.UTF8.GetBytes(rewritten.Append('\n').ToString()));
    }

    private void Announce(string endpoint)
    {
        if (Announced is null && Uri.TryCreate(streamUrl ?? remoteOrigin, endpoint, out var url) && IsRemote(url))
        {
            Announced = url;
            announced?.Invoke(url);
        }
    }

    private bool IsRemote(Uri url) =>
        url.Scheme is "http" or "https" && string.Equals(url.GetLeftPart(UriPartial.Authority), remoteOrigin.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase);

    private string Local(string endpoint) =>
        Uri.TryCreate(endpoint, UriKind.Absolute, out var url) && IsRemote(url)
            ? localOrigin.GetLeftPart(UriPartial.Authority) + url.PathAndQuery
            : endpoint;
}
