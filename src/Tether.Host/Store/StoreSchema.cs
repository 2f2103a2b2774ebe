using Microsoft.Data.Sqlite;

namespace Tether.Store;

/// <summary>Creates and migrates the database schema, versioned by <c>PRAGMA user_version</c>.</summary>
internal static class StoreSchema
{
    /// <summary>The schema version this build writes.</summary>
    public const int CurrentVersion = 1;

    private const string Version1 = """
        CREATE TABLE workloads (
            name TEXT NOT NULL PRIMARY KEY,
            remote_url TEXT NOT NULL,
            transport TEXT NOT NULL,
            port INTEGER NULL,
            config TEXT NOT NULL,
            desired_state TEXT NOT NULL,
            status TEXT NOT NULL,
            status_reason TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        ) STRICT;
        CREATE TABLE transitions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            workload TEXT NOT NULL,
            at TEXT NOT NULL,
            from_status TEXT NOT NULL,
            to_status TEXT NOT NULL,
            reason TEXT NOT NULL
        ) STRICT;
        CREATE INDEX transitions_by_workload ON transitions (workload, id);
        CREATE TABLE registrations (
            issuer TEXT NOT NULL,
            client_id TEXT NOT NULL,
            client_secret BLOB NULL,
            kind TEXT NOT NULL,
            callback_port INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (issuer, client_id)
        ) STRICT;
        CREATE TABLE secrets (
            workload TEXT NOT NULL,
            kind TEXT NOT NULL,
            ciphertext BLOB NOT NULL,
            expires_at TEXT NULL,
            issued_lifetime_ms INTEGER NULL,
            scope TEXT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (workload, kind)
        ) STRICT;
        """;

    /// <summary>Brings the database to <see cref="CurrentVersion"/>; safe when several processes open it at once.</summary>
    public static void Migrate(SqliteConnection connection, string databasePath)
    {
        // WAL cannot be switched on inside a transaction; it is persistent, so this is a no-op after the first open.
        Execute(connection, "PRAGMA journal_mode = WAL;");

        using var transaction = connection.BeginTransaction();
        var version = Convert.ToInt32(Scalar(connection, "PRAGMA user_version;"), System.Globalization.CultureInfo.InvariantCulture);
        if (version > CurrentVersion)
        {
            throw new TetherStoreException(
                $"The store {databasePath} was written by a newer Tether (schema {version}, this one knows {CurrentVersion}). " +
                "Upgrade Tether, or point TETHER_HOME elsewhere.");
        }

        if (version < 1)
        {
            Execute(connection, Version1);
        }

        if (version < CurrentVersion)
        {
            Execute(connection, $"PRAGMA user_version = {CurrentVersion};");
        }

        transaction.Commit();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
