using System.Security.Cryptography;
using Microsoft.Identity.Client.Extensions.Msal;

namespace Tether.Store;

/// <summary>
/// The key in the OS keyring: the Secret Service (libsecret) on Linux, the Keychain on macOS, DPAPI on Windows.
/// On Linux this needs libsecret and a running secret service; without them <see cref="GetOrCreateKey"/> throws.
/// </summary>
public sealed class KeyringKeySource : IKeySource
{
    private const string ServiceName = "Tether";
    private const string KeyringCacheFileName = "keyring.bin";

    private readonly string _keysDirectory;
    private readonly string _account;

    /// <summary>Keeps the key in the keyring, under an account tied to <paramref name="home"/>.</summary>
    /// <param name="keysDirectory">The keys folder (DPAPI on Windows writes its protected file there).</param>
    /// <param name="home">The state folder: two homes never share a key.</param>
    public KeyringKeySource(string keysDirectory, string home)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(keysDirectory);
        ArgumentException.ThrowIfNullOrWhiteSpace(home);
        _keysDirectory = keysDirectory;
        _account = "store-key-" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Path.GetFullPath(home))))[..16];
    }

    /// <inheritdoc/>
    public string Name => "keyring";

    /// <inheritdoc/>
    public byte[] GetOrCreateKey()
    {
        try
        {
            Configuration.TetherPaths.CreatePrivateDirectory(_keysDirectory);
            var storage = Storage.Create(BuildProperties());
            var key = storage.ReadData();
            if (key is { Length: SecretProtector.KeySize })
            {
                return key;
            }

            var created = RandomNumberGenerator.GetBytes(SecretProtector.KeySize);
            storage.WriteData(created);
            KeepFilePrivate();

            // A keyring that accepts writes but returns nothing (no secret service behind libsecret) is no keyring.
            var readBack = storage.ReadData();
            if (readBack is null || !CryptographicOperations.FixedTimeEquals(readBack, created))
            {
                throw new TetherStoreException("The OS keyring did not keep the store key.");
            }

            return created;
        }
        catch (TetherStoreException)
        {
            throw;
        }
#pragma warning disable CA1031 // Native keyring bindings fail in many ways (missing library, no D-Bus, locked keyring).
        catch (Exception ex)
#pragma warning restore CA1031
        {
            throw new TetherStoreException(
                "The OS keyring is not available (" + ex.GetType().Name + "). On Linux it needs libsecret and a running " +
                "secret service; set TETHER_KEY_SOURCE=file to keep the key in a private file instead.",
                ex);
        }
    }

    /// <summary>
    /// The keyring library also writes a file of its own in the keys folder (a marker on Linux and macOS, the
    /// DPAPI-protected key on Windows) with the default file mode; it holds nothing usable, but like every file
    /// in the home it is kept to its owner.
    /// </summary>
    private void KeepFilePrivate()
    {
        var file = Path.Combine(_keysDirectory, KeyringCacheFileName);
        if (!OperatingSystem.IsWindows() && File.Exists(file))
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    private StorageCreationProperties BuildProperties() =>
        new StorageCreationPropertiesBuilder(KeyringCacheFileName, _keysDirectory)
            .WithMacKeyChain(ServiceName, _account)
            .WithLinuxKeyring(
                schemaName: "dev.tether.store",
                collection: MsalCacheHelper.LinuxKeyRingDefaultCollection,
                secretLabel: "Tether store key",
                attribute1: new KeyValuePair<string, string>("service", ServiceName),
                attribute2: new KeyValuePair<string, string>("account", _account))
            .Build();
}
