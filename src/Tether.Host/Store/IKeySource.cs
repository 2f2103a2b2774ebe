namespace Tether.Store;

/// <summary>Where the store's 32-byte secret key lives (the OS keyring, or a private key file).</summary>
public interface IKeySource
{
    /// <summary>A short name for logs and <c>tether status</c>: <c>keyring</c> or <c>file</c>.</summary>
    string Name { get; }

    /// <summary>The key, created on first use.</summary>
    /// <exception cref="TetherStoreException">The source cannot be used; the message says why and what to do.</exception>
    byte[] GetOrCreateKey();
}
