namespace Tether.Tokens;

/// <summary>The class of a token-endpoint outcome (the spec's classification table).</summary>
public enum OutcomeClass
{
    /// <summary>New tokens.</summary>
    Success,

    /// <summary>No verdict from the server: retry.</summary>
    Transient,

    /// <summary>A real verdict (<c>invalid_grant</c>, …): stop and ask the user.</summary>
    Permanent,

    /// <summary>Our own shutdown or cancellation: neither; change nothing.</summary>
    Cancelled,
}
