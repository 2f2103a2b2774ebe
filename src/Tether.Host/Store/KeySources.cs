using Tether.Configuration;

namespace Tether.Store;

/// <summary>Picks the key source from <c>TETHER_KEY_SOURCE</c> (<c>auto</c>, <c>keyring</c>, <c>file</c>).</summary>
public static class KeySources
{
    /// <summary>The setting's environment variable.</summary>
    public const string ModeVariable = "TETHER_KEY_SOURCE";

    /// <summary>Parses the setting; <see langword="null"/> or empty means <see cref="KeySourceMode.Auto"/>.</summary>
    /// <exception cref="TetherStoreException">An unknown value; the message names the setting and the expected form.</exception>
    public static KeySourceMode ParseMode(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => KeySourceMode.Auto,
        "keyring" => KeySourceMode.Keyring,
        "file" => KeySourceMode.File,
        _ => throw new TetherStoreException($"{ModeVariable} is '{value}'; expected auto, keyring or file."),
    };

    /// <summary>The mode set by <c>TETHER_KEY_SOURCE</c> in the process environment.</summary>
    /// <exception cref="TetherStoreException">An unknown value.</exception>
    public static KeySourceMode ModeFromEnvironment() => ParseMode(Environment.GetEnvironmentVariable(ModeVariable));

    /// <summary>Opens the key source chosen by <paramref name="mode"/> and returns it with its key.</summary>
    /// <exception cref="TetherStoreException">No usable key; the message says why and what to do.</exception>
    public static (IKeySource Source, byte[] Key) Open(TetherPaths paths, KeySourceMode mode)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return Open(paths, mode, () => new KeyringKeySource(paths.KeysDirectory, paths.Home));
    }

    internal static (IKeySource Source, byte[] Key) Open(TetherPaths paths, KeySourceMode mode, Func<IKeySource> keyring)
    {
        var file = new FileKeySource(paths.KeysDirectory);
        switch (mode)
        {
            case KeySourceMode.File:
                return (file, file.GetOrCreateKey());
            case KeySourceMode.Keyring:
                var only = keyring();
                return (only, only.GetOrCreateKey());
        }

        // An existing key file keeps being used: switching to a keyring that appeared later would orphan every secret.
        if (file.Exists)
        {
            return (file, file.GetOrCreateKey());
        }

        try
        {
            var source = keyring();
            return (source, source.GetOrCreateKey());
        }
        catch (TetherStoreException)
        {
            return (file, file.GetOrCreateKey());
        }
    }
}
