namespace Tether.Tokens;

/// <summary>The request path's answer: a token, or what to tell the client instead.</summary>
/// <remarks>A struct so that the valid-token path allocates nothing.</remarks>
/// <param name="Kind">What happened.</param>
/// <param name="AccessToken">The bearer, for <see cref="TokenAnswerKind.Token"/> only.</param>
/// <param name="RetryAfterSeconds">Whole seconds until the next attempt (1..600), for the 503 answers.</param>
/// <param name="Reason">A one-line reason for the 503 answers; never a secret.</param>
public readonly record struct TokenAnswer(TokenAnswerKind Kind, string? AccessToken, int RetryAfterSeconds, string? Reason)
{
    /// <summary>A usable token.</summary>
    public static TokenAnswer FromToken(string accessToken) => new(TokenAnswerKind.Token, accessToken, 0, null);

    /// <summary>Prints no token.</summary>
    public override string ToString() => $"{Kind} (retry after {RetryAfterSeconds}s): {Reason}";
}
