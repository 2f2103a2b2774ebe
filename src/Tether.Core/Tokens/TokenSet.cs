namespace Tether.Tokens;

/// <summary>The tokens held for one workload. Every string here is a secret.</summary>
/// <param name="AccessToken">The bearer sent upstream.</param>
/// <param name="ExpiresAt">When the access token expires; <see langword="null"/> when the server did not say.</param>
/// <param name="RefreshToken">The refresh token, when the server issued one.</param>
/// <param name="Scope">The granted scope, when the server said.</param>
public sealed record TokenSet(string AccessToken, DateTimeOffset? ExpiresAt, string? RefreshToken, string? Scope = null)
{
    /// <summary>The access token's lifetime as issued, used to schedule refresh ahead of expiry.</summary>
    public TimeSpan? IssuedLifetime { get; init; }

    /// <summary>Never prints a token.</summary>
    public override string ToString() =>
        $"TokenSet {{ ExpiresAt = {ExpiresAt:O}, HasRefreshToken = {RefreshToken is not null}, Scope = {Scope} }}";
}
