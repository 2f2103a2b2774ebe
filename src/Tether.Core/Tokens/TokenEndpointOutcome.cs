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
    /// <summary>The server's <c>error_description</c>, when the body carried one (one line, at most 200 characters).</summary>
    public string? OAuthErrorDescription { get; init; }

    /// <summary>
    /// Whether the verdict is about the client itself (<c>invalid_client</c>, <c>unauthorized_client</c>) or its grant
    /// (<c>invalid_grant</c>): the verdicts a new client registration may fix. Never a malformed request or a scope.
    /// </summary>
    public bool AboutClientOrGrant => Class == OutcomeClass.Permanent && OAuthError is "invalid_client" or "unauthorized_client" or "invalid_grant";

    /// <summary>The error and its description as one short text: <c>invalid_grant: refresh token expired</c>.</summary>
    public string? OAuthErrorText => OAuthError is null ? null
        : OAuthErrorDescription is null ? OAuthError
        : $"{OAuthError}: {OAuthErrorDescription}";

    internal static TokenEndpointOutcome Transient(string reason, int? status = null, TimeSpan? retryAfter = null, string? oauthError = null) =>
        new(OutcomeClass.Transient, null, status, oauthError, retryAfter, reason);

    internal static TokenEndpointOutcome Cancelled { get; } = new(OutcomeClass.Cancelled, null, null, null, null, "cancelled");
}
