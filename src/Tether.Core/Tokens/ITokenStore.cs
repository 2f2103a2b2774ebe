namespace Tether.Tokens;

/// <summary>Where one workload's tokens are persisted (the SQLite store in the product, memory in tests).</summary>
/// <remarks>Thread-safe. Implementations encrypt what they write and never log a token.</remarks>
public interface ITokenStore
{
    /// <summary>The tokens last committed, or <see langword="null"/> when there are none.</summary>
    ValueTask<TokenSet?> LoadAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Takes the workload's refresh lease, exclusive across every process sharing the store, and returns it with the
    /// tokens committed at that moment (another process may have rotated them). Disposing the lease releases it.
    /// </summary>
    ValueTask<ITokenLease> AcquireAsync(CancellationToken cancellationToken);
}

/// <summary>An exclusive hold on one workload's tokens, across processes.</summary>
public interface ITokenLease : IAsyncDisposable
{
    /// <summary>The tokens committed when the lease was taken (or by <see cref="CommitAsync"/> since).</summary>
    TokenSet? Current { get; }

    /// <summary>Commits new tokens durably; returns only once they are stored.</summary>
    ValueTask CommitAsync(TokenSet tokens, CancellationToken cancellationToken);
}
