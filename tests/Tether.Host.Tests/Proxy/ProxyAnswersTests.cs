using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Tether.Proxy;
using Tether.Tokens;

namespace Tether.Tests.Proxy;

/// <summary>What the local endpoint tells a client when it cannot forward: every answer names what fixes it.</summary>
public sealed class ProxyAnswersTests
{
    [Theory]
    [InlineData(TokenAnswerKind.Unauthenticated, "transient failures for over 24h: token endpoint answered http 503", "transient failures for over 24h: token endpoint answered http 503: run 'tether reauth w'")]
    [InlineData(TokenAnswerKind.Unauthenticated, "w needs a new sign-in (refresh refused): run 'tether reauth w'", "w needs a new sign-in (refresh refused): run 'tether reauth w'")]
    [InlineData(TokenAnswerKind.Failed, "w is in error: port 9 is in use; free it, then 'tether start w'", "w is in error: port 9 is in use; free it, then 'tether start w'")]
    public async Task WriteTokenAnswerAsync_NotServing_503WithTheFixAndNoRetryAfter(TokenAnswerKind kind, string reason, string message)
    {
        var context = new DefaultHttpContext();
        using var body = new MemoryStream();
        context.Response.Body = body;

        await ProxyAnswers.WriteTokenAnswerAsync(context, new TokenAnswer(kind, null, 0, reason), "w");

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
        Assert.False(context.Response.Headers.ContainsKey("Retry-After"));
        using var json = JsonDocument.Parse(body.ToArray());
        Assert.Equal(message, json.RootElement.GetProperty("error").GetProperty("message").GetString());
    }
}
