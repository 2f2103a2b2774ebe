using Microsoft.Data.Sqlite;
using Tether.Tokens;

namespace Tether.Store;

public sealed partial class TetherStore
{
    /// <summary>
    /// Stores (encrypted) or, with <see langword="null"/>, deletes a secret of a workload: a static bearer token, a client
    /// secret. <see cref="WorkloadWriteResult.NotFound"/> when the workload does not exist.
    /// </summary>
    /// <remarks>OAuth tokens go through <see cref="ForWorkload"/> and its lease instead.</remarks>
    public Task<WorkloadWriteResult> SetSecretAsync(string workload, SecretKind kind, string? value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workload);
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        if (!WorkloadExists(connection, workload))
        {
            return Task.FromResult(WorkloadWriteResult.NotFound);
        }

        WriteSecret(connection, workload, kind, value, expiresAt: null, lifetime: null, scope: null);
        transaction.Commit();
        return Task.FromResult(WorkloadWriteResult.Done);
    }

    /// <summary>A workload's secret of <paramref name="kind"/>, decrypted, or <see langword="null"/>.</summary>
    public Task<string?> GetSecretAsync(string workload, SecretKind kind, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workload);
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = Open();
        return Task.FromResult(ReadSecret(connection, workload, kind, out _, out _, out _));
    }

    /// <summary>Stores (encrypted) or, with <see langword="null"/>, deletes a workload's static bearer token.</summary>
    public Task<WorkloadWriteResult> SetBearerTokenAsync(string workload, string? bearerToken, CancellationToken cancellationToken) =>
        SetSecretAsync(workload, SecretKind.BearerToken, bearerToken, cancellationToken);

    /// <summary>A workload's static bearer token, or <see langword="null"/>.</summary>
    public Task<string?> GetBearerTokenAsync(string workload, CancellationToken cancellationToken) =>
        GetSecretAsync(workload, SecretKind.BearerToken, cancellationToken);

    internal TokenSet? ReadTokens(SqliteConnection connection, string workload)
    {
        var access = ReadSecret(connection, workload, SecretKind.AccessToken, out var expiresAt, out var lifetime, out var scope);
        if (access is null)
        {
            return null;
        }

        var refresh = ReadSecret(connection, workload, SecretKind.RefreshToken, out _, out _, out _);
        return new TokenSet(access, expiresAt, refresh, scope) { IssuedLifetime = lifetime };
    }

    /// <summary>Writes both tokens in one transaction; <see langword="false"/> when the workload no longer exists.</summary>
    internal bool WriteTokens(SqliteConnection connection, string workload, TokenSet tokens)
    {
        using var transaction = connection.BeginTransaction();
        if (!WorkloadExists(connection, workload))
        {
            return false;
        }

        WriteSecret(connection, workload, SecretKind.AccessToken, tokens.AccessToken, tokens.ExpiresAt, tokens.IssuedLifetime, tokens.Scope);
        WriteSecret(connection, workload, SecretKind.RefreshToken, tokens.RefreshToken, expiresAt: null, lifetime: null, scope: null);
        transaction.Commit();
        return true;
    }

    private static bool WorkloadExists(SqliteConnection connection, string workload)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM workloads WHERE name = $name;";
        command.Parameters.AddWithValue("$name", workload);
        return command.ExecuteScalar() is not null;
    }

    private void WriteSecret(
        SqliteConnection connection, string workload, SecretKind kind, string? value, DateTimeOffset? expiresAt, TimeSpan? lifetime, string? scope)
    {
        using var command = connection.CreateCommand();
        command.Parameters.AddWithValue("$workload", workload);
        command.Parameters.AddWithValue("$kind", kind.ToWire());
        if (value is null)
        {
            command.CommandText = "DELETE FROM secrets WHERE workload = $workload AND kind = $kind;";
            command.ExecuteNonQuery();
            return;
        }

        command.CommandText = """
            INSERT INTO secrets (workload, kind, ciphertext, expires_at, issued_lifetime_ms, scope, updated_at)
            VALUES ($workload, $kind, $ciphertext, $expires_at, $lifetime, $scope, $now)
            ON CONFLICT (workload, kind) DO UPDATE SET ciphertext = excluded.ciphertext, expires_at = excluded.expires_at,
                issued_lifetime_ms = excluded.issued_lifetime_ms, scope = excluded.scope, updated_at = excluded.updated_at;
            """;
        command.Parameters.AddWithValue("$ciphertext", Protector.Protect(value, SecretProtector.WorkloadContext(workload, kind)));
        command.Parameters.AddWithValue("$expires_at", expiresAt is { } at ? StoreNames.ToWire(at) : DBNull.Value);
        command.Parameters.AddWithValue("$lifetime", lifetime is { } span ? (long)span.TotalMilliseconds : DBNull.Value);
        command.Parameters.AddWithValue("$scope", (object?)scope ?? DBNull.Value);
        command.Parameters.AddWithValue("$now", StoreNames.ToWire(TimeProvider.GetUtcNow()));
        command.ExecuteNonQuery();
    }

    private string? ReadSecret(
        SqliteConnection connection, string workload, SecretKind kind, out DateTimeOffset? expiresAt, out TimeSpan? lifetime, out string? scope)
    {
        expiresAt = null;
        lifetime = null;
        scope = null;
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT ciphertext, expires_at, issued_lifetime_ms, scope FROM secrets WHERE workload = $workload AND kind = $kind;";
        command.Parameters.AddWithValue("$workload", workload);
        command.Parameters.AddWithValue("$kind", kind.ToWire());
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        if (!Protector.TryUnprotect((byte[])reader.GetValue(0), SecretProtector.WorkloadContext(workload, kind), out var value))
        {
            Log.SecretUnreadable(Logger, workload, kind.ToWire());
            return null;
        }

        expiresAt = reader.IsDBNull(1) ? null : StoreNames.ParseTime(reader.GetString(1));
        lifetime = reader.IsDBNull(2) ? null : TimeSpan.FromMilliseconds(reader.GetInt64(2));
        scope = reader.IsDBNull(3) ? null : reader.GetString(3);
        return value;
    }
}
