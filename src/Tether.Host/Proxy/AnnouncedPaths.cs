namespace Tether.Proxy;

/// <summary>
/// The message paths that open legacy SSE streams announced in their <c>endpoint</c> event: the only paths besides the
/// MCP path that the endpoint forwards. A path is allowed while a stream that announced it is open (a legacy session
/// lives as long as its stream), so the set stays as small as the number of open streams.
/// </summary>
internal sealed class AnnouncedPaths
{
    private readonly Dictionary<string, (string UpstreamPath, int Streams)> _paths = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Allows <paramref name="upstreamUrl"/>'s path until <see cref="Remove"/> is called as often.</summary>
    public void Add(Uri upstreamUrl)
    {
        var key = Key(upstreamUrl);
        lock (_lock)
        {
            _paths[key] = _paths.TryGetValue(key, out var entry) ? entry with { Streams = entry.Streams + 1 } : (upstreamUrl.AbsolutePath, 1);
        }
    }

    /// <summary>Withdraws one stream's announcement of <paramref name="upstreamUrl"/>'s path.</summary>
    public void Remove(Uri upstreamUrl)
    {
        var key = Key(upstreamUrl);
        lock (_lock)
        {
            if (_paths.TryGetValue(key, out var entry))
            {
                if (entry.Streams > 1)
                {
                    _paths[key] = entry with { Streams = entry.Streams - 1 };
                }
                else
                {
                    _paths.Remove(key);
                }
            }
        }
    }

    /// <summary>The remote's own (escaped) form of an announced path, given the decoded path of a local request.</summary>
    public bool TryGet(string decodedPath, out string upstreamPath)
    {
        lock (_lock)
        {
            if (_paths.TryGetValue(decodedPath, out var entry))
            {
                upstreamPath = entry.UpstreamPath;
                return true;
            }
        }

        upstreamPath = "";
        return false;
    }

    /// <summary>The path as Kestrel hands a request's path over: decoded, except <c>%2F</c>.</summary>
    public static string Key(Uri url) => Microsoft.AspNetCore.Http.PathString.FromUriComponent(url).Value ?? "/";
}
