using Tether.Tokens;

namespace Tether.Tests.Proxy;

/// <summary>A token source answering what the test says, recording rejections.</summary>
internal sealed class ScriptedTokens : IAccessTokenSource
{
    public TokenAnswer Answer { get; set; } = TokenAnswer.FromToken("at-1");

    public Func<string, TokenAnswer> OnRejected { get; set; } = _ => TokenAnswer.FromToken("at-2");

    public List<string> Rejected { get; } = [];

    public ValueTask<TokenAnswer> GetTokenAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Answer);

    public ValueTask<TokenAnswer> RefreshAfterRejectionAsync(string rejectedAccessToken, CancellationToken cancellationToken)
    {
        lock (Rejected)
        {
            Rejected.Add(rejectedAccessToken);
        }

        var fresh = OnRejected(rejectedAccessToken);
        if (fresh.Kind == TokenAnswerKind.Token)
        {
            Answer = fresh;
        }

        return ValueTask.FromResult(fresh);
    }
}
