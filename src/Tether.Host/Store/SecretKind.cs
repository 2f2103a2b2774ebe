namespace Tether.Store;

/// <summary>The kinds of secret kept per workload, always encrypted.</summary>
public enum SecretKind
{
    /// <summary>The OAuth access token.</summary>
    AccessToken,

    /// <summary>The OAuth refresh token.</summary>
    RefreshToken,

    /// <summary>A static bearer token given with <c>--bearer-token</c>.</summary>
    BearerToken,

    /// <summary>A client secret given with <c>--client-secret</c>.</summary>
    ClientSecret,

    /// <summary>The extra upstream headers given with <c>--header</c>, one <c>Name=Value</c> a line (values may be keys).</summary>
    Headers,
}
