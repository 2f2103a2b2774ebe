using Tether.Tokens;

namespace Tether.Workloads;

/// <summary>
/// The token source a workload's local endpoint holds for its whole life: it answers what the workload is doing while
/// it starts, signs in, lacks tokens or is broken, then hands over to the engine, a static bearer, or no token at all.
/// </summary>
/// <remarks>Written only by the workload's controller; read lock-free by the request path.</remarks>
internal sealed class WorkloadTokenSource(string workload) : IAccessTokenSource
{
    private static readonly ValueTask<TokenAnswer> NoAuth = ValueTask.FromResult(new TokenAnswer(TokenAnswerKind.Token, null, 0, null));
    private volatile Target _target = Target.Fixed(TokenAnswerKind.Unavailable, 2, $"{workload} is starting");

    public void Starting() => _target = Target.Fixed(TokenAnswerKind.Unavailable, 2, $"{workload} is starting");

    public void Authenticating() => _target = Target.Fixed(TokenAnswerKind.Unavailable, 5, $"{workload} is waiting for sign-in in the browser");

    /// <summary>No usable tokens: the answer names <c>tether reauth</c>.</summary>
    public void Unauthenticated(string reason) => _target = Target.Fixed(TokenAnswerKind.Unauthenticated, 0, reason);

    /// <summary>The workload broke: <paramref name="reason"/> says why and which command fixes it.</summary>
    public void Failed(string reason) => _target = Target.Fixed(TokenAnswerKind.Failed, 0, $"{workload} is in error: {reason}");

    public void Use(IAccessTokenSource engine) => _target = new Target(engine, default);

    public void UseStatic(string? bearerToken) => _target = new Target(null, bearerToken is null ? NoAuth : ValueTask.FromResult(TokenAnswer.FromToken(bearerToken)));

    public ValueTask<TokenAnswer> GetTokenAsync(CancellationToken cancellationToken)
    {
        var target = _target;
        return target.Engine?.GetTokenAsync(cancellationToken) ?? target.Answer;
    }

    public ValueTask<TokenAnswer> RefreshAfterRejectionAsync(string rejectedAccessToken, CancellationToken cancellationToken)
    {
        var target = _target;
        return target.Engine?.RefreshAfterRejectionAsync(rejectedAccessToken, cancellationToken) ?? target.Answer;
    }

    private sealed record Target(IAccessTokenSource? Engine, ValueTask<TokenAnswer> Answer)
    {
        public static Target Fixed(TokenAnswerKind kind, int retryAfterSeconds, string reason) =>
            new(null, ValueTask.FromResult(new TokenAnswer(kind, null, retryAfterSeconds, reason)));
    }
}
