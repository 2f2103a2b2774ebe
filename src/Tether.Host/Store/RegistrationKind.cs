namespace Tether.Store;

/// <summary>How an OAuth client came to exist.</summary>
public enum RegistrationKind
{
    /// <summary>Given by the user with <c>--client-id</c>.</summary>
    PreRegistered,

    /// <summary>Registered by Tether through RFC 7591 dynamic client registration.</summary>
    Dynamic,

    /// <summary>A client ID metadata document URL (<c>--client-metadata-url</c>).</summary>
    MetadataDocument,
}
