using Microsoft.Data.Sqlite;
using Tether.Workloads;

namespace Tether.Store;

public sealed partial class TetherStore
{
    /// <summary>
    /// Persists a transition and the workload's current status, pruning history past <see cref="KeptTransitions"/>.
    /// A workload not in the store (removed meanwhile) is ignored.
    /// </summary>
    /// <remarks>Synchronous and small: called under the status owner's lock. A database failure is logged, never thrown.</remarks>
    public void OnTransition(string workload, StatusTransition transition)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(transition);
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

    /// <summary>The last <paramref name="limit"/> transitions of a workload, oldest first.</summary>
    public Task<IReadOnlyList<StatusTransition>> GetTransitionsAsync(string name, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        cancellationToken.ThrowIfCancellationRequested();
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

        return Task.FromResult<IReadOnlyList<StatusTransition>>(transitions);
    }
}
