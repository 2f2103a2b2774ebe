using System.Net;
using System.Text;

namespace Tether.Tests.Fixtures;

/// <summary>A token endpoint answered by script: each request takes the next answer (the last one repeats).</summary>
public sealed class ScriptedHandler : HttpMessageHandler
{
    private readonly Queue<Func<HttpRequestMessage, HttpResponseMessage>> _answers = new();
    private Func<HttpRequestMessage, HttpResponseMessage>? _last;

    public int Requests { get; private set; }

    public TimeProvider? Clock { get; set; }

    public List<DateTimeOffset> RequestTimes { get; } = [];

    public List<string> Bodies { get; } = [];

    public ScriptedHandler Then(Func<HttpRequestMessage, HttpResponseMessage> answer)
    {
        lock (_answers)
        {
            _answers.Enqueue(answer);
        }

        return this;
    }

    public ScriptedHandler ThenTokens(string access, string? refresh, int expiresIn) =>
        Then(_ => Json(HttpStatusCode.OK, $$"""{"access_token":"{{access}}","token_type":"Bearer","expires_in":{{expiresIn}}{{(refresh is null ? "" : $",\"refresh_token\":\"{refresh}\"")}}}"""));

    public ScriptedHandler ThenStatus(HttpStatusCode status, string body = "", string contentType = "text/html", string? retryAfter = null) =>
        Then(_ =>
        {
            var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, contentType) };
            if (retryAfter is not null)
            {
                response.Headers.TryAddWithoutValidation("Retry-After", retryAfter);
            }

            return response;
        });

    public ScriptedHandler ThenOAuthError(string error, HttpStatusCode status = HttpStatusCode.BadRequest) =>
        Then(_ => Json(status, $$"""{"error":"{{error}}"}"""));

    public static HttpResponseMessage Json(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Func<HttpRequestMessage, HttpResponseMessage> answer;
        lock (_answers)
        {
            Requests++;
            RequestTimes.Add(Clock?.GetUtcNow() ?? default);
            answer = _answers.Count > 0 ? (_last = _answers.Dequeue()) : _last ?? throw new InvalidOperationException("no scripted answer");
        }

        if (request.Content is not null)
        {
            var body = await request.Content.ReadAsStringAsync(cancellationToken);
            lock (_answers)
            {
                Bodies.Add(body);
            }
        }

        return answer(request);
    }
}
