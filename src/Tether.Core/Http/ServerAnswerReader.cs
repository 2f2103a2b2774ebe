namespace Tether.Http;

/// <summary>
/// The one way an answer from a server (metadata, registration, code exchange, refresh) is read: never more than a
/// cap, never longer than a time limit, so that a hostile or broken server cannot take the process's memory or hold
/// a caller forever.
/// </summary>
public static class ServerAnswerReader
{
    /// <summary>The most of a token endpoint's answer that is read (code exchange and refresh).</summary>
    public const int TokenLimit = 1024 * 1024;

    /// <summary>The most of a dynamic client registration answer that is read.</summary>
    public const int RegistrationLimit = 1024 * 1024;

    /// <summary>The most of a metadata document that is read (protected resource, authorization server, client ID document).</summary>
    public const int MetadataLimit = 256 * 1024;

    private const int ChunkSize = 16 * 1024;

    /// <summary>
    /// Reads <paramref name="content"/> up to <paramref name="maxBytes"/>. A declared or actual length over the cap stops
    /// the read at once and returns an incomplete body, keeping nothing of it.
    /// </summary>
    /// <param name="content">The answer's body.</param>
    /// <param name="maxBytes">The cap.</param>
    /// <param name="cancellationToken">Ends the read; carries the caller's time limit.</param>
    public static async Task<CappedBody> ReadAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        if (content.Headers.ContentLength is { } declared && declared > maxBytes)
        {
            return new CappedBody([], false);
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[ChunkSize];
        while (true)
        {
            var read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return new CappedBody(buffer.ToArray(), true);
            }

            if (buffer.Length + read > maxBytes)
            {
                return new CappedBody([], false);
            }

            buffer.Write(chunk, 0, read);
        }
    }

    /// <summary>
    /// Sends <paramref name="request"/> and reads its answer with <see cref="ReadAsync"/>, all within
    /// <paramref name="timeout"/>. Redirects are whatever <paramref name="http"/>'s handler does with them (Tether's
    /// clients follow none).
    /// </summary>
    /// <exception cref="TimeoutException">No whole answer within <paramref name="timeout"/>.</exception>
    /// <exception cref="HttpRequestException">The server could not be reached or the connection broke.</exception>
    public static async Task<ServerAnswer> SendAsync(
        HttpClient http, HttpRequestMessage request, int maxBytes, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        using var limit = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            var (body, complete) = await ReadAsync(response.Content, maxBytes, linked.Token).ConfigureAwait(false);
            return new ServerAnswer(response.StatusCode, response.Headers, body, complete);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no whole answer within {timeout.TotalSeconds:0.#}s", ex);
        }
        catch (IOException ex)
        {
            throw new HttpRequestException($"the connection broke while reading the answer ({ex.Message})", ex);
        }
    }
}
