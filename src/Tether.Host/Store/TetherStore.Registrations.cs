using Microsoft.Data.Sqlite;

namespace Tether.Store;

public sealed partial class TetherStore
{
    /// <summary>
    /// The newest cached registration at <paramref name="issuer"/> of <paramref name="kind"/> (and of
    /// <paramref name="clientId"/> when given), or <see langword="null"/>.
    /// </summary>
    public Task<ClientRegistration?> GetRegistrationAsync(
        string issuer, RegistrationKind kind, string? clientId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT issuer, client_id, client_secret, kind, callback_port, created_at FROM registrations
            WHERE issuer = $issuer AND kind = $kind AND ($client_id IS NULL OR client_id = $client_id)
            ORDER BY created_at DESC, rowid DESC LIMIT 1;
            """;
        command.Parameters.AddWithValue("$issuer", issuer);
        command.Parameters.AddWithValue("$kind", kind.ToWire());
        command.Parameters.AddWithValue("$client_id", (object?)clientId ?? DBNull.Value);
        using var reader = command.ExecuteReader();
        return Task.FromResult(reader.Read() ? ReadRegistration(reader) : null);
    }

    /// <summary>Every cached registration at <paramref name="issuer"/>, newest first.</summary>
    public Task<IReadOnlyList<ClientRegistration>> ListRegistrationsAsync(string issuer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT issuer, client_id, client_secret, kind, callback_port, created_at FROM registrations
            WHERE issuer = $issuer ORDER BY created_at DESC, rowid DESC;
            """;
        command.Parameters.AddWithValue("$issuer", issuer);
        using var reader = command.ExecuteReader();
        var registrations = new List<ClientRegistration>();
        while (reader.Read())
        {
            registrations.Add(ReadRegistration(reader));
        }

        return Task.FromResult<IReadOnlyList<ClientRegistration>>(registrations);
    }

    /// <summary>Saves (or replaces) the registration of <c>(Issuer, ClientId)</c>; the client secret is encrypted.</summary>
    /// <returns>The registration as stored, with <c>CreatedAt</c> set.</returns>
    public Task<ClientRegistration> SaveRegistrationAsync(ClientRegistration registration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        ArgumentException.ThrowIfNullOrEmpty(registration.Issuer);
        ArgumentException.ThrowIfNullOrEmpty(registration.ClientId);
        cancellationToken.ThrowIfCancellationRequested();
        var saved = registration with { CreatedAt = TimeProvider.GetUtcNow() };
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO registrations (issuer, client_id, client_secret, kind, callback_port, created_at)
            VALUES ($issuer, $client_id, $client_secret, $kind, $callback_port, $created_at)
            ON CONFLICT (issuer, client_id) DO UPDATE SET client_secret = excluded.client_secret, kind = excluded.kind,
                callback_port = excluded.callback_port, created_at = excluded.created_at;
            """;
        command.Parameters.AddWithValue("$issuer", saved.Issuer);
        command.Parameters.AddWithValue("$client_id", saved.ClientId);
        command.Parameters.AddWithValue(
            "$client_secret",
            saved.ClientSecret is null ? DBNull.Value : Protector.Protect(saved.ClientSecret, SecretProtector.RegistrationContext(saved.Issuer, saved.ClientId)));
        command.Parameters.AddWithValue("$kind", saved.Kind.ToWire());
        command.Parameters.AddWithValue("$callback_port", saved.CallbackPort);
        command.Parameters.AddWithValue("$created_at", StoreNames.ToWire(saved.CreatedAt));
        command.ExecuteNonQuery();
        return Task.FromResult(saved);
    }

    /// <summary>Forgets a registration (<c>tether reauth NAME --reregister</c>); <see langword="false"/> when there was none.</summary>
    public Task<bool> DeleteRegistrationAsync(string issuer, string clientId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM registrations WHERE issuer = $issuer AND client_id = $client_id;";
        command.Parameters.AddWithValue("$issuer", issuer);
        command.Parameters.AddWithValue("$client_id", clientId);
        return Task.FromResult(command.ExecuteNonQuery() > 0);
    }

    private ClientRegistration ReadRegistration(SqliteDataReader reader)
    {
        var issuer = reader.GetString(0);
        var clientId = reader.GetString(1);
        string? secret = null;
        if (!reader.IsDBNull(2) &&
            !Protector.TryUnprotect((byte[])reader.GetValue(2), SecretProtector.RegistrationContext(issuer, clientId), out secret))
        {
            Log.RegistrationSecretUnreadable(Logger, issuer, clientId);
        }

        return new ClientRegistration(
            issuer,
            clientId,
            secret,
            StoreNames.ParseRegistrationKind(reader.GetString(3)),
            reader.GetInt32(4),
            StoreNames.ParseTime(reader.GetString(5)));
    }
}
