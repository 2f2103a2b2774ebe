namespace Tether.Store;

/// <summary>Which key source to use (<c>TETHER_KEY_SOURCE</c>).</summary>
public enum KeySourceMode
{
    /// <summary>An existing key file, else the OS keyring when available, else a new key file.</summary>
    Auto,

    /// <summary>The OS keyring only; an error when there is none.</summary>
    Keyring,

    /// <summary>A private key file only.</summary>
    File,
}
