using Tether.Tokens;

namespace Tether.Workloads;

/// <summary>
/// The token source a workload's local endpoint holds for its whole life: it answers <c>Unavailable</c> while the
/// workload starts or signs in, then hands over to the engine, a static bearer, or no token at all.
/// </summary>
internal sealed class WorkloadTokenSource(string workload) : IAccessTokenSource
{
    private static readonly ValueTask<TokenAnswer> NoAuth = ValueTask.FromResult(new TokenAnswer(TokenAnswerKind.Token, null, 0, null));
    private volatile Target _target = Target.Unavailable($"{workload} is starting");

    public void Use(IAccessTokenSource engine) => _target = new Target(engine, default);

    public void UseStatic(string? bearerToken) => _target = new Target(null, bearerToken is null ? NoAuth : ValueTask.FromResult(TokenAnswer.FromToken(bearerToken)));

    public void Unavailable(string reason) => _target = Target.Unavailable(reason);

    public ValueTask<TokenAnswer> GetTokenAsync(CancellationToken cancellationToken)
    {
        var target = _target;
        return target.Engine?.GetTokenAsync(cancellationToken) ?? target.Fixed;
    }

    public ValueTask<TokenAnswer> RefreshAfterRejectionAsync(string rejectedAccessToken, CancellationToken cancellationToken)
    {
        var target = _target;
        return target.Engine?.RefreshAfterRejectionAsync(rejectedAccessToken, cancellationToken) ?? target.Fixed;
    }

    private sealed record Target(IAccessTokenSource? Engine, ValueTask<TokenAnswer> Fixed)
    {
        public static Target Unavailable(string reason) =>
            new(null, ValueTask.FromResult(new TokenAnswer(TokenAnswerKind.Unavailable, null, 2, reason)));
    }
}
