using Microsoft.Data.Sqlite;
using Tether.Workloads;

namespace Tether.Store;

public sealed partial class TetherStore
{
    /// <summary>
    /// Queues a transition to be persisted with the workload's current status, pruning history past
    /// <see cref="KeptTransitions"/>. Writes happen in the order transitions arrive; a workload not in the store (removed
    /// meanwhile) is ignored.
    /// </summary>
    /// <remarks>
    /// Called under the status owner's lock (and the engine's): it only queues, so that no SQLite write, and no wait for
    /// another process's write lock, ever runs under them. A database failure is logged, never thrown.
    /// </remarks>
    public void OnTransition(string workload, StatusTransition transition)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(transition);
        lock (_transitionWrites)
        {
            // Each write waits for the one before: the history keeps the order the owner decided.
            _transitionsWritten = _transitionsWritten.ContinueWith(
                (_, state) => WriteTransition(workload, (StatusTransition)state!),
                transition,
                CancellationToken.None,
                TaskContinuationOptions.None,
                TaskScheduler.Default);
        }
    }

    /// <summary>Completes once every transition queued so far is written.</summary>
    public Task FlushTransitionsAsync()
    {
        lock (_transitionWrites)
        {
            return _transitionsWritten;
        }
    }

    private void WriteTransition(string workload, StatusTransition transition)
    {
        try
        {
            using var connection = Open();
            using var transaction = connection.BeginTransaction();
            using var command = connection.CreateCommand();
            command.CommandText = """
                UPDATE workloads SET status = $to, status_reason = $reason, updated_at = $at WHERE name = $name;
                INSERT INTO transitions (workload, at, from_status, to_status, reason)
                SELECT $name, $at, $from, $to, $reason WHERE changes() = 1;
                DELETE FROM transitions WHERE workload = $name AND id <= (
                    SELECT id FROM transitions WHERE workload = $name ORDER BY id DESC LIMIT 1 OFFSET $kept);
                """;
            command.Parameters.AddWithValue("$name", workload);
            command.Parameters.AddWithValue("$at", StoreNames.ToWire(transition.At));
            command.Parameters.AddWithValue("$from", transition.From.ToWire());
            command.Parameters.AddWithValue("$to", transition.To.ToWire());
            command.Parameters.AddWithValue("$reason", transition.Reason ?? string.Empty);
            command.Parameters.AddWithValue("$kept", KeptTransitions);
            command.ExecuteNonQuery();
            transaction.Commit();
        }
        catch (SqliteException ex)
        {
            Log.TransitionNotSaved(Logger, workload, transition.To.ToWire(), ex);
        }
    }

    /// <summary>The last <paramref name="limit"/> transitions of a workload, oldest first (queued ones included).</summary>
    public async Task<IReadOnlyList<StatusTransition>> GetTransitionsAsync(string name, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await FlushTransitionsAsync().WaitAsync(cancellationToken);
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT at, from_status, to_status, reason FROM (
                SELECT id, at, from_status, to_status, reason FROM transitions
                WHERE workload = $name ORDER BY id DESC LIMIT $limit)
            ORDER BY id;
            """;
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var transitions = new List<StatusTransition>();
        while (reader.Read())
        {
            transitions.Add(new StatusTransition(
                StoreNames.ParseTime(reader.GetString(0)),
                StoreNames.ParseStatus(reader.GetString(1)),
                StoreNames.ParseStatus(reader.GetString(2)),
                reader.GetString(3)));
        }

        return transitions;
    }
}
