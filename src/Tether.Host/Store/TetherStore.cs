using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tether.Configuration;
using Tether.Tokens;
using Tether.Workloads;

namespace Tether.Store;

/// <summary>
/// The embedded store: one SQLite database under <c>TETHER_HOME</c> holding workloads, statuses and their history,
/// client registrations, and encrypted secrets. Several processes may open the same store.
/// </summary>
/// <remarks>Thread-safe. Each call uses its own pooled connection; writes run in immediate transactions.</remarks>
public sealed partial class TetherStore : IStatusSink, IDisposable
{
    /// <summary>How many transitions are kept per workload.</summary>
    /// <value>The default value is 100.</value>
    public const int KeptTransitions = 100;

    private readonly string _connectionString;
    private readonly SecretProtector _protector;
    private readonly ConcurrentDictionary<string, SqliteTokenStore> _tokenStores = new(StringComparer.Ordinal);
    private readonly object _transitionWrites = new();
    private Task _transitionsWritten = Task.CompletedTask;

    private TetherStore(TetherPaths paths, string keySource, byte[] key, TimeProvider timeProvider, ILogger logger)
    {
        Paths = paths;
        KeySource = keySource;
        TimeProvider = timeProvider;
        Logger = logger;
        _protector = new SecretProtector(key);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = paths.DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>The folders this store lives in.</summary>
    public TetherPaths Paths { get; }

    /// <summary>Where the secret key came from: <c>keyring</c> or <c>file</c>.</summary>
    public string KeySource { get; }

    internal TimeProvider TimeProvider { get; }

    internal ILogger Logger { get; }

    internal SecretProtector Protector => _protector;

    /// <summary>
    /// Opens (creating or migrating) the store under <paramref name="paths"/>, with the key source chosen by
    /// <paramref name="keySourceMode"/>.
    /// </summary>
    /// <exception cref="TetherStoreException">No usable key, or a database from a newer Tether.</exception>
    public static Task<TetherStore> OpenAsync(
        TetherPaths paths, KeySourceMode keySourceMode, TimeProvider timeProvider, ILoggerFactory? loggerFactory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(paths);
        paths.EnsureCreated();
        var (source, key) = KeySources.Open(paths, keySourceMode);
        return OpenAsync(paths, source, key, timeProvider, loggerFactory, cancellationToken);
    }

    /// <summary>Opens (creating or migrating) the store under <paramref name="paths"/> with the key of <paramref name="keySource"/>.</summary>
    /// <exception cref="TetherStoreException">No usable key, or a database from a newer Tether.</exception>
    public static Task<TetherStore> OpenAsync(
        TetherPaths paths, IKeySource keySource, TimeProvider timeProvider, ILoggerFactory? loggerFactory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(keySource);
        paths.EnsureCreated();
        return OpenAsync(paths, keySource, keySource.GetOrCreateKey(), timeProvider, loggerFactory, cancellationToken);
    }

    private static Task<TetherStore> OpenAsync(
        TetherPaths paths, IKeySource source, byte[] key, TimeProvider timeProvider, ILoggerFactory? loggerFactory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        cancellationToken.ThrowIfCancellationRequested();
        var logger = (ILogger?)loggerFactory?.CreateLogger<TetherStore>() ?? NullLogger.Instance;

        var store = new TetherStore(paths, source.Name, key, timeProvider, logger);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(key);
        try
        {
            // SQLite gives its WAL and shared-memory files the database file's permissions: start it user-only.
            TetherPaths.CreatePrivateFile(paths.DatabasePath);
            using var connection = store.Open();
            StoreSchema.Migrate(connection, paths.DatabasePath);
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            store.Dispose();
            throw Unreadable(paths.DatabasePath, ex);
        }

        Log.Opened(logger, paths.DatabasePath, source.Name);
        return Task.FromResult(store);
    }

    /// <summary>
    /// A store that cannot be opened is left exactly as it is (it may hold the only copy of the user's workloads): the
    /// message names the file and says to move it aside.
    /// </summary>
    private static TetherStoreException Unreadable(string path, Exception ex)
    {
        var why = ex.Message.TrimEnd('.');
        return new TetherStoreException(
            $"the store {path} cannot be opened: {why}. It was left untouched; move it aside (mv {path} {path}.broken) and run again to start with an empty store",
            ex);
    }

    /// <summary>Adds a workload; <see cref="WorkloadWriteResult.NameTaken"/> when the name is in use.</summary>
    /// <remarks>The store sets <c>CreatedAt</c> and <c>UpdatedAt</c>.</remarks>
    public Task<WorkloadWriteResult> AddWorkloadAsync(WorkloadRecord workload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentException.ThrowIfNullOrWhiteSpace(workload.Name);
        cancellationToken.ThrowIfCancellationRequested();
        var now = StoreNames.ToWire(TimeProvider.GetUtcNow());
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO workloads (name, remote_url, transport, port, config, desired_state, status, status_reason, created_at, updated_at)
            VALUES ($name, $remote_url, $transport, $port, $config, $desired_state, $status, $status_reason, $now, $now)
            ON CONFLICT (name) DO NOTHING;
            """;
        BindWorkload(command, workload);
        command.Parameters.AddWithValue("$now", now);
        return Task.FromResult(command.ExecuteNonQuery() == 1 ? WorkloadWriteResult.Done : WorkloadWriteResult.NameTaken);
    }

    /// <summary>The workload named <paramref name="name"/>, or <see langword="null"/>.</summary>
    public async Task<WorkloadRecord?> GetWorkloadAsync(string name, CancellationToken cancellationToken)
    {
        // The status columns are written by queued transitions: read after those queued so far.
        await FlushTransitionsAsync().WaitAsync(cancellationToken);
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM workloads WHERE name = $name;";
        command.Parameters.AddWithValue("$name", name);
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadWorkload(reader) : null;
    }

    /// <summary>Every workload, by name.</summary>
    public async Task<IReadOnlyList<WorkloadRecord>> ListWorkloadsAsync(CancellationToken cancellationToken)
    {
        await FlushTransitionsAsync().WaitAsync(cancellationToken);
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM workloads ORDER BY name;";
        using var reader = command.ExecuteReader();
        var workloads = new List<WorkloadRecord>();
        while (reader.Read())
        {
            workloads.Add(ReadWorkload(reader));
        }

        return workloads;
    }

    /// <summary>
    /// Replaces a workload's remote URL, transport, port, config and desired state. The status is written only by
    /// <see cref="OnTransition"/>.
    /// </summary>
    public Task<WorkloadWriteResult> UpdateWorkloadAsync(WorkloadRecord workload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workload);
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE workloads SET remote_url = $remote_url, transport = $transport, port = $port, config = $config,
                desired_state = $desired_state, updated_at = $now
            WHERE name = $name;
            """;
        BindWorkload(command, workload);
        command.Parameters.AddWithValue("$now", StoreNames.ToWire(TimeProvider.GetUtcNow()));
        return Task.FromResult(command.ExecuteNonQuery() == 1 ? WorkloadWriteResult.Done : WorkloadWriteResult.NotFound);
    }

    /// <summary>Records what the user asked for (<c>tether stop</c>/<c>start</c>).</summary>
    public Task<WorkloadWriteResult> SetDesiredStateAsync(string name, DesiredState state, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE workloads SET desired_state = $state, updated_at = $now WHERE name = $name;";
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$state", state.ToWire());
        command.Parameters.AddWithValue("$now", StoreNames.ToWire(TimeProvider.GetUtcNow()));
        return Task.FromResult(command.ExecuteNonQuery() == 1 ? WorkloadWriteResult.Done : WorkloadWriteResult.NotFound);
    }

    /// <summary>Removes a workload with its secrets and its history, in one transaction.</summary>
    public Task<WorkloadWriteResult> RemoveWorkloadAsync(string name, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        var removed = Execute(connection, "DELETE FROM workloads WHERE name = $name;", name);
        Execute(connection, "DELETE FROM secrets WHERE workload = $name;", name);
        Execute(connection, "DELETE FROM transitions WHERE workload = $name;", name);
        transaction.Commit();
        _tokenStores.TryRemove(name, out _);
        return Task.FromResult(removed == 1 ? WorkloadWriteResult.Done : WorkloadWriteResult.NotFound);
    }

    /// <summary>The token store of one workload (the engine's persistence), with a cross-process refresh lease.</summary>
    public ITokenStore ForWorkload(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return _tokenStores.GetOrAdd(name, static (n, store) => new SqliteTokenStore(store, n), this);
    }

    /// <summary>Writes the transitions still queued (for a bounded time), then closes pooled connections to the database file.</summary>
    public void Dispose()
    {
        FlushTransitionsAsync().Wait(TimeSpan.FromSeconds(10));
        SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
    }

    /// <summary>Moves every WAL page into the database file and truncates the WAL.</summary>
    internal void Checkpoint()
    {
        using var connection = Open();
        Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE);", null);
    }

    internal SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var command = connection.CreateCommand();

        // secure_delete zeroes freed pages so removed ciphertexts do not linger in the file.
        command.CommandText = "PRAGMA busy_timeout = 10000; PRAGMA secure_delete = ON;";
        command.ExecuteNonQuery();
        return connection;
    }

    internal static int Execute(SqliteConnection connection, string sql, string? name)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        if (name is not null)
        {
            command.Parameters.AddWithValue("$name", name);
        }

        return command.ExecuteNonQuery();
    }

    private static void BindWorkload(SqliteCommand command, WorkloadRecord workload)
    {
        command.Parameters.AddWithValue("$name", workload.Name);
        command.Parameters.AddWithValue("$remote_url", workload.RemoteUrl);
        command.Parameters.AddWithValue("$transport", workload.Transport);
        command.Parameters.AddWithValue("$port", workload.Port is { } port ? port : DBNull.Value);
        command.Parameters.AddWithValue("$config", JsonSerializer.Serialize(workload.Config ?? new WorkloadConfig(), StoreJsonContext.Default.WorkloadConfig));
        command.Parameters.AddWithValue("$desired_state", workload.DesiredState.ToWire());
        command.Parameters.AddWithValue("$status", workload.Status.ToWire());
        command.Parameters.AddWithValue("$status_reason", workload.StatusReason ?? string.Empty);
    }

    private static WorkloadRecord ReadWorkload(SqliteDataReader reader) => new(
        Name: reader.GetString(reader.GetOrdinal("name")),
        RemoteUrl: reader.GetString(reader.GetOrdinal("remote_url")),
        Transport: reader.GetString(reader.GetOrdinal("transport")),
        Port: reader.IsDBNull(reader.GetOrdinal("port")) ? null : reader.GetInt32(reader.GetOrdinal("port")),
        Config: JsonSerializer.Deserialize(reader.GetString(reader.GetOrdinal("config")), StoreJsonContext.Default.WorkloadConfig) ?? new WorkloadConfig(),
        DesiredState: StoreNames.ParseDesiredState(reader.GetString(reader.GetOrdinal("desired_state"))),
        Status: StoreNames.ParseStatus(reader.GetString(reader.GetOrdinal("status"))),
        StatusReason: reader.GetString(reader.GetOrdinal("status_reason")),
        CreatedAt: StoreNames.ParseTime(reader.GetString(reader.GetOrdinal("created_at"))),
        UpdatedAt: StoreNames.ParseTime(reader.GetString(reader.GetOrdinal("updated_at"))));
}
