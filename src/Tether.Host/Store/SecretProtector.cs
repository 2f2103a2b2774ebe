using System.Security.Cryptography;
using System.Text;

namespace Tether.Store;

/// <summary>
/// Encrypts secrets with AES-GCM: a random nonce per value and the owning row's identity as associated data, so a
/// ciphertext copied to another row (another workload, another kind) does not decrypt.
/// </summary>
/// <remarks>Thread-safe. Layout: version (1 byte) | nonce (12) | tag (16) | ciphertext.</remarks>
internal sealed class SecretProtector
{
    /// <summary>The key size in bytes (AES-256).</summary>
    public const int KeySize = 32;

    private const byte Version = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int HeaderSize = 1 + NonceSize + TagSize;

    private readonly byte[] _key;

    public SecretProtector(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"The key must be {KeySize} bytes.", nameof(key));
        }

        _key = (byte[])key.Clone();
    }

    /// <summary>The associated data binding a value to one workload's secret of one kind.</summary>
    public static string WorkloadContext(string workload, SecretKind kind) => $"workload\n{workload}\n{kind}";

    /// <summary>The associated data binding a client secret to one registration.</summary>
    public static string RegistrationContext(string issuer, string clientId) => $"registration\n{issuer}\n{clientId}";

    public byte[] Protect(string plaintext, string context)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var blob = new byte[HeaderSize + plain.Length];
        blob[0] = Version;
        var nonce = blob.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(_key, TagSize))
        {
            aes.Encrypt(nonce, plain, blob.AsSpan(HeaderSize), blob.AsSpan(1 + NonceSize, TagSize), Encoding.UTF8.GetBytes(context));
        }

        CryptographicOperations.ZeroMemory(plain);
        return blob;
    }

    /// <summary>Decrypts; <see langword="false"/> for a value of another row, another key, or a damaged one.</summary>
    public bool TryUnprotect(byte[] blob, string context, out string? plaintext)
    {
        plaintext = null;
        if (blob is null || blob.Length < HeaderSize || blob[0] != Version)
        {
            return false;
        }

        var plain = new byte[blob.Length - HeaderSize];
        try
        {
            using var aes = new AesGcm(_key, TagSize);
            aes.Decrypt(blob.AsSpan(1, NonceSize), blob.AsSpan(HeaderSize), blob.AsSpan(1 + NonceSize, TagSize), plain, Encoding.UTF8.GetBytes(context));
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }

        plaintext = Encoding.UTF8.GetString(plain);
        CryptographicOperations.ZeroMemory(plain);
        return true;
    }
}
