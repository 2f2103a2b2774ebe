namespace Tether.Proxy;

/// <summary>
/// The <c>Authorization</c> value of the token a workload uses now, made once per token rather than once per request.
/// Lock-free: a request reads one immutable pair; a new token replaces the pair, and a race only makes the value twice.
/// </summary>
internal sealed class BearerHeaders
{
    private Pair? _current;

    /// <summary><c>Bearer</c> and <paramref name="accessToken"/>; null for none (the request goes without a bearer).</summary>
    public string? Header(string? accessToken)
    {
        if (accessToken is null)
        {
            return null;
        }

        var current = Volatile.Read(ref _current);
        if (current is not null && ReferenceEquals(current.Token, accessToken))
        {
            return current.Header;
        }

        var made = new Pair(accessToken, "Bearer " + accessToken);
        Volatile.Write(ref _current, made);
        return made.Header;
    }

    private sealed record Pair(string Token, string Header);
}
