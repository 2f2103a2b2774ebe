namespace Tether.Tokens;

/// <summary>The classified answer of one token request. Holds tokens only on success; the reason never holds a secret.</summary>
/// <param name="Class">Success, transient, permanent or cancelled.</param>
/// <param name="Tokens">The new tokens, on success.</param>
/// <param name="HttpStatus">The HTTP status, when there was an answer.</param>
/// <param name="OAuthError">The RFC 6749 <c>error</c>, when the body carried one.</param>
/// <param name="RetryAfter">The server's <c>Retry-After</c>, clamped to at most an hour.</param>
/// <param name="Reason">One line saying what happened.</param>
public sealed record TokenEndpointOutcome(
    OutcomeClass Class,
    TokenSet? Tokens,
    int? HttpStatus,
    string? OAuthError,
    TimeSpan? RetryAfter,
    string Reason)
{
    internal static TokenEndpointOutcome Transient(string reason, int? status = null, TimeSpan? retryAfter = null, string? oauthError = null) =>
        new(OutcomeClass.Transient, null, status, oauthError, retryAfter, reason);

    internal static TokenEndpointOutcome Cancelled { get; } = new(OutcomeClass.Cancelled, null, null, null, null, "cancelled");
}
