using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Tether.Sandbox.Authorization;

/// <summary>
/// What OpenIddict's degraded mode does not keep: spent refresh tokens (a reused one must be refused with
/// <c>invalid_grant</c>) and the revocation generation (tokens from before a revocation are refused).
/// </summary>
internal sealed class TokenLedger
{
    public const string GenerationClaim = "sandbox_gen";

    private readonly ConcurrentDictionary<string, byte> _spent = new(StringComparer.Ordinal);
    private int _generation;

    public string Generation => Volatile.Read(ref _generation).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public void RevokeAll() => Interlocked.Increment(ref _generation);

    /// <summary>Marks a refresh token spent; <see langword="false"/> when it was spent already.</summary>
    public bool TrySpend(string refreshToken) =>
        _spent.TryAdd(Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(refreshToken))), 0);
}
