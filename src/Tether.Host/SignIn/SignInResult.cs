using Tether.Tokens;

namespace Tether.SignIn;

/// <summary>A finished sign-in: the tokens and what the engine needs to refresh them.</summary>
/// <param name="Tokens">The tokens (secrets).</param>
/// <param name="Client">The token endpoint and client.</param>
public sealed record SignInResult(TokenSet Tokens, TokenClientConfig Client);
