using System.Net;
using System.Text.Json;
using Tether.Http;

namespace Tether.SignIn;

/// <summary>
/// Fetches the JSON documents sign-in reads (protected resource and authorization server metadata): https only (http
/// on loopback), no redirects, at most 256 KiB, with a time-out; anything else is a clear <see cref="SignInException"/>.
/// </summary>
internal sealed class MetadataFetcher(HttpClient http, TimeProvider time, TimeSpan timeout)
{
    /// <summary>The most of a metadata document that is read.</summary>
    public const int MaxBytes = ServerAnswerReader.MetadataLimit;

    /// <summary>The document, or <see langword="null"/> for a 404 (the caller tries the next URL).</summary>
    public async Task<JsonElement?> GetAsync(Uri url, string what, CancellationToken cancellationToken)
    {
        EnsureAllowed(url, what);
        using var limit = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
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

            var (body, complete) = await ServerAnswerReader.ReadAsync(response.Content, MaxBytes, linked.Token);
            if (!complete)
            {
                throw new SignInException($"{what} at {url} is larger than {MaxBytes / 1024} KiB; refusing to read it");
            }

            try
            {
                using var json = JsonDocument.Parse(body);
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
            throw new SignInException($"{what} at {url} did not answer within {timeout.TotalSeconds:0}s");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
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
