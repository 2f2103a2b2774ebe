namespace Tether.Tokens;

/// <summary>How the client authenticates at the token endpoint.</summary>
public enum ClientAuthMethod
{
    /// <summary>A public client: <c>client_id</c> in the body, no secret.</summary>
    None,

    /// <summary><c>client_id</c> and <c>client_secret</c> in the body.</summary>
    ClientSecretPost,

    /// <summary>HTTP Basic with the client id and secret.</summary>
    ClientSecretBasic,
}
