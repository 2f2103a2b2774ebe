namespace Tether.Tokens;

/// <summary>What the request path gets when it asks for a token.</summary>
public enum TokenAnswerKind
{
    /// <summary>A usable access token: forward the request.</summary>
    Token,

    /// <summary>No usable token yet, refresh fails transiently (or the wait budget ran out): 503 with <c>Retry-After</c>.</summary>
    Retrying,

    /// <summary>A permanent verdict: 503 with a JSON-RPC error naming <c>tether reauth NAME</c>.</summary>
    Unauthenticated,

    /// <summary>The workload is not serving (starting, signing in, stopping, stopped).</summary>
    Unavailable,

    /// <summary>The workload itself broke (status <c>error</c>): 503 with the reason and the command that fixes it.</summary>
    Failed,
}
