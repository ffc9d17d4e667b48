using Npgsql;

namespace Nexplane.Upgrade.Database;

/// <summary>
/// Which tables were written between two moments, from PostgreSQL's cumulative per-table counters
/// (pg_stat_user_tables: rows inserted, updated, deleted). Reading them scans nothing, so it costs no downtime,
/// unlike counting rows. The runbook backs up while the app still runs; this tells the operator which tables
/// took writes after the backup and before the app stopped (the write window), i.e. what a restore would lose.
/// </summary>
public sealed class WriteActivity(DatabaseInspector inspector)
{
    public async Task<IReadOnlyDictionary<string, long>> CaptureAsync(CancellationToken cancellationToken)
    {
        await using var connection = await inspector.OpenAsync(inspector.Database.Name, cancellationToken);
        await using var command = new NpgsqlCommand(
            "select schemaname || '.' || relname, n_tup_ins + n_tup_upd + n_tup_del from pg_stat_user_tables", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var counters = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
            counters[reader.GetString(0)] = reader.GetInt64(1);
        return counters;
    }

    /// <summary>The tables whose write counters moved between <paramref name="before"/> and <paramref name="after"/>, with how many rows.</summary>
    public static IReadOnlyDictionary<string, long> Written(IReadOnlyDictionary<string, long> before, IReadOnlyDictionary<string, long> after) =>
        after.Where(pair => pair.Value != before.GetValueOrDefault(pair.Key))
            .OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .ToDictionary(pair => pair.Key, pair => pair.Value - before.GetValueOrDefault(pair.Key));
}
