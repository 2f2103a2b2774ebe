using System.Security.Cryptography;
using Tether.Configuration;

namespace Tether.Store;

/// <summary>
/// The key in a file readable only by the user, in its own folder (<c>keys/store.key</c>, 0600 in a 0700 folder).
/// A key file or folder that other users can read or write is refused rather than trusted.
/// </summary>
public sealed class FileKeySource : IKeySource
{
    /// <summary>The key file's name inside the keys folder.</summary>
    public const string KeyFileName = "store.key";

    private const UnixFileMode OthersMask =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private const UnixFileMode OthersWriteMask = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    /// <summary>Keeps the key in <paramref name="keysDirectory"/>.</summary>
    public FileKeySource(string keysDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(keysDirectory);
        KeysDirectory = keysDirectory;
    }

    /// <summary>The folder holding the key file.</summary>
    public string KeysDirectory { get; }

    /// <summary>The key file.</summary>
    public string KeyPath => Path.Combine(KeysDirectory, KeyFileName);

    /// <inheritdoc/>
    public string Name => "file";

    /// <summary>Whether a key file already exists (an existing key is kept in use).</summary>
    public bool Exists => File.Exists(KeyPath);

    /// <inheritdoc/>
    public byte[] GetOrCreateKey()
    {
        TetherPaths.CreatePrivateDirectory(KeysDirectory);
        CheckNotShared(KeysDirectory, isDirectory: true);

        if (!File.Exists(KeyPath))
        {
            TryCreate();
        }

        CheckNotShared(KeyPath, isDirectory: false);
        var key = File.ReadAllBytes(KeyPath);
        if (key.Length != SecretProtector.KeySize)
        {
            throw new TetherStoreException(
                $"The key file {KeyPath} is damaged ({key.Length} bytes, expected {SecretProtector.KeySize}). " +
                "Move it away to start over; stored tokens will then need a new sign-in.");
        }

        return key;
    }

    private void TryCreate()
    {
        var key = RandomNumberGenerator.GetBytes(SecretProtector.KeySize);
        var temporary = Path.Combine(KeysDirectory, $".{KeyFileName}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = TetherPaths.PrivateFileMode;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(key);
                stream.Flush(flushToDisk: true);
            }

            // A no-replace move publishes the key whole: a process starting at the same time never reads half a key.
            File.Move(temporary, KeyPath, overwrite: false);
        }
        catch (IOException) when (File.Exists(KeyPath))
        {
            // Another process created the key first: use theirs.
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            File.Delete(temporary);
        }
    }

    private static void CheckNotShared(string path, bool isDirectory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var mode = File.GetUnixFileMode(path);
        var shared = isDirectory ? (mode & OthersWriteMask) != 0 : (mode & OthersMask) != 0;
        if (shared)
        {
            var what = isDirectory ? "key folder" : "key file";
            var fix = isDirectory ? "chmod 700" : "chmod 600";
            throw new TetherStoreException(
                $"The {what} {path} can be accessed by other users (mode {Convert.ToString((int)mode, 8)}); refusing to use it. " +
                $"Run `{fix} {path}` if only you ever had access, else move it away and sign in again.");
        }
    }
}
