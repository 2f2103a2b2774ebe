namespace Tether.Cli;

/// <summary>How <c>tether stdio</c> reads its argument.</summary>
internal static class StdioArgument
{
    /// <summary>Whether the argument is a remote server's URL (else a workload's name).</summary>
    public static bool LooksLikeUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);
}
