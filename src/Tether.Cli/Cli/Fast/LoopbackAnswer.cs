namespace Tether.Cli;

/// <summary>An answer read by <see cref="LoopbackHttp"/>: its status code, headers (names in any case) and whole body.</summary>
internal sealed record LoopbackAnswer(int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    /// <summary>The media type of the body (<c>Content-Type</c> without its parameters), or an empty string.</summary>
    public string MediaType =>
        Headers.TryGetValue("Content-Type", out var type) ? type.Split(';', 2)[0].Trim().ToLowerInvariant() : "";
}
