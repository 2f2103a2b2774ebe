namespace Tether.Tokens;

/// <summary>The request path's view of one workload's tokens (the proxy's only dependency on the engine).</summary>
/// <remarks>Thread-safe; any number of concurrent callers.</remarks>
public interface IAccessTokenSource
{
    /// <summary>
    /// A token for the next upstream request. Lock-free and allocation-free while the token is valid; otherwise
    /// waits for an in-flight refresh or a due probe up to the request wait budget.
    /// </summary>
    ValueTask<TokenAnswer> GetTokenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The upstream server rejected <paramref name="rejectedAccessToken"/> with 401: one forced refresh (single-flight;
    /// callers holding the same rejected token share it). A second rejection of a fresh token makes the workload
    /// <c>unauthenticated</c>.
    /// </summary>
    ValueTask<TokenAnswer> RefreshAfterRejectionAsync(string rejectedAccessToken, CancellationToken cancellationToken);
}
