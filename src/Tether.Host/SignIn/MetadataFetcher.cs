using System.Net;
using System.Text.Json;

namespace Tether.SignIn;

/// <summary>
/// Fetches the JSON documents sign-in reads (protected resource and authorization server metadata): https only (http
/// on loopback), no redirects, at most 256 KiB, with a time-out; anything else is a clear <see cref="SignInException"/>.
/// </summary>
internal sealed class MetadataFetcher(HttpClient http, TimeProvider time)
{
    /// <summary>The most of a metadata document that is read.</summary>
    public const int MaxBytes = 256 * 1024;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    /// <summary>The document, or <see langword="null"/> for a 404 (the caller tries the next URL).</summary>
    public async Task<JsonElement?> GetAsync(Uri url, string what, CancellationToken cancellationToken)
    {
        EnsureAllowed(url, what);
        using var timeout = new CancellationTokenSource(Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Accept.ParseAdd("application/json");
            request.Headers.UserAgent.Add(Tether.Tokens.TokenEndpointClient.UserAgent);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed or HttpStatusCode.BadRequest)
            {
                return null;
            }

            if ((int)response.StatusCode is >= 300 and < 400)
            {
                throw new SignInException($"{what} at {url} redirects elsewhere (http {(int)response.StatusCode}); redirects are not followed");
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new SignInException($"{what} at {url} answered http {(int)response.StatusCode}");
            }

            if (response.Content.Headers.ContentLength is > MaxBytes)
            {
                throw new SignInException($"{what} at {url} is larger than {MaxBytes / 1024} KiB; refusing to read it");
            }

            await using var stream = await response.Content.ReadAsStreamAsync(linked.Token);
            var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(chunk, linked.Token)) > 0)
            {
                if (buffer.Length + read > MaxBytes)
                {
                    throw new SignInException($"{what} at {url} is larger than {MaxBytes / 1024} KiB; refusing to read it");
                }

                buffer.Write(chunk, 0, read);
            }

            try
            {
                using var json = JsonDocument.Parse(buffer.ToArray());
                return json.RootElement.ValueKind == JsonValueKind.Object
                    ? json.RootElement.Clone()
                    : throw new SignInException($"{what} at {url} is not a JSON object");
            }
            catch (JsonException ex)
            {
                throw new SignInException($"{what} at {url} is not valid JSON ({ex.Message})");
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SignInException($"{what} at {url} did not answer within {Timeout.TotalSeconds:0}s");
        }
        catch (HttpRequestException ex)
        {
            throw new SignInException($"cannot reach {url} ({ex.Message})", ex);
        }
    }

    /// <summary>Metadata a server hands us is fetched over https only; http only on this machine.</summary>
    public static void EnsureAllowed(Uri url, string what)
    {
        if (url.Scheme != Uri.UriSchemeHttps && !(url.Scheme == Uri.UriSchemeHttp && url.IsLoopback))
        {
            throw new SignInException($"{what} URL {url} is not https (http is allowed only on 127.0.0.1 / localhost)");
        }
    }
}
