using System.Net;
using System.Text.Json;

namespace Tether.Sandbox.Authorization;

/// <summary>
/// Client ID metadata documents: a <c>client_id</c> that is a URL names a JSON document the client publishes. The
/// sandbox fetches it (https, or http on loopback; no redirects; 64 KiB; 5 s), checks that it names itself and lists
/// redirect URIs, and then knows the client as a public one.
/// </summary>
internal sealed class ClientMetadataDocuments : IDisposable
{
    public const int MaxBytes = 64 * 1024;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, UseProxy = false })
    {
        Timeout = Timeout,
        MaxResponseContentBufferSize = MaxBytes,
    };

    /// <summary>Whether <paramref name="clientId"/> is a URL this server would fetch as a metadata document.</summary>
    public static bool IsDocumentUrl(string? clientId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Uri? url) =>
        Uri.TryCreate(clientId, UriKind.Absolute, out url)
        && (url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback))
        && url.AbsolutePath.Length > 1
        && url.Fragment.Length == 0;

    /// <summary>The client the document at <paramref name="url"/> describes, or why it cannot be used.</summary>
    public async Task<(SandboxClient? Client, string? Error)> ResolveAsync(Uri url, CancellationToken cancellationToken)
    {
        byte[] body;
        try
        {
            using var response = await _http.GetAsync(url, cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return (null, $"the client metadata document at {url} answered http {(int)response.StatusCode}");
            }

            body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return (null, $"the client metadata document at {url} could not be fetched");
        }

        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("client_id", out var id) || id.ValueKind != JsonValueKind.String
                || !string.Equals(id.GetString(), url.OriginalString, StringComparison.Ordinal))
            {
                return (null, "the client metadata document's client_id is not its own URL");
            }

            if (root.TryGetProperty("token_endpoint_auth_method", out var method) && method.ValueKind == JsonValueKind.String && method.GetString() != "none")
            {
                return (null, "a client metadata document client must be public (token_endpoint_auth_method none)");
            }

            if (!root.TryGetProperty("redirect_uris", out var uris) || uris.ValueKind != JsonValueKind.Array)
            {
                return (null, "the client metadata document lists no redirect_uris");
            }

            var redirects = new List<Uri>();
            foreach (var uri in uris.EnumerateArray())
            {
                if (uri.ValueKind == JsonValueKind.String && Uri.TryCreate(uri.GetString(), UriKind.Absolute, out var redirect))
                {
                    redirects.Add(redirect);
                }
            }

            return redirects.Count == 0
                ? (null, "the client metadata document lists no redirect_uris")
                : (new SandboxClient(url.OriginalString, null, redirects), null);
        }
        catch (JsonException)
        {
            return (null, "the client metadata document is not JSON");
        }
    }

    public void Dispose() => _http.Dispose();
}
