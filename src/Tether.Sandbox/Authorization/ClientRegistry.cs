using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Tether.Sandbox.Authorization;

/// <summary>The sandbox's clients (OpenIddict runs in degraded mode: client checks are ours).</summary>
internal sealed class ClientRegistry
{
    private readonly ConcurrentDictionary<string, SandboxClient> _clients = new(StringComparer.Ordinal);

    public SandboxClient Register(string? clientId, string? secret, IEnumerable<Uri> redirectUris)
    {
        var client = new SandboxClient(clientId ?? "dcr-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)), secret, redirectUris.ToList());
        _clients[client.ClientId] = client;
        return client;
    }

    public SandboxClient? Find(string? clientId) =>
        clientId is not null && _clients.TryGetValue(clientId, out var client) ? client : null;

    /// <summary>Whether <paramref name="secret"/> is the client's (constant time); a public client needs none.</summary>
    public static bool SecretMatches(SandboxClient client, string? secret) =>
        client.Secret is null
            ? string.IsNullOrEmpty(secret)
            : secret is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(client.Secret), Encoding.UTF8.GetBytes(secret));
}
