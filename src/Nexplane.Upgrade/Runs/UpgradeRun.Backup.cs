using Nexplane.Upgrade.Database;

namespace Nexplane.Upgrade.Runs;

/// <summary>The backup a rollback trusts, and the writes the app made after it.</summary>
public sealed partial class UpgradeRun
{
    /// <summary>Write counters of every table when the backup's snapshot was taken; Stop compares against them.</summary>
    IReadOnlyDictionary<string, long>? _writesAtBackup;

    DateTimeOffset? _backupTakenAt;

    /// <summary>Marks the moment of the backup's snapshot, with every table's write counters then.</summary>
    public void BackupStarting(IReadOnlyDictionary<string, long> writeCounters)
    {
        _writesAtBackup = writeCounters;
        _backupTakenAt = DateTimeOffset.UtcNow;
    }

    /// <summary>The verified backup is what a rollback restores: into the report and the journal at once.</summary>
    /// <param name="alembicRevisions">The database's revisions the backup holds.</param>
    public void RecordBackup(string archive, IReadOnlyList<string> alembicRevisions)
    {
        Report.BackupFile = archive;
        if (Journal is not null)
        {
            Journal.BackupFile = archive;
            Journal.RevisionBefore = string.Join(",", alembicRevisions);
            Journal.Save();
        }
    }

    /// <summary>
    /// The runbook backs up while the app still serves: writes after the backup's snapshot are not in it. Once the
    /// app is stopped, name the tables written in that window (the rollback keeps the failed database, so they are
    /// never destroyed, but a restore does not carry them). <paramref name="avoidingTheWindow"/> says how to avoid it.
    /// </summary>
    public async Task ReportWriteWindowAsync(Func<CancellationToken, Task<IReadOnlyDictionary<string, long>>> captureWriteCounters,
        string avoidingTheWindow, CancellationToken cancellationToken)
    {
        if (_writesAtBackup is null || _backupTakenAt is null)
            return;
        var written = WriteActivity.Written(_writesAtBackup, await captureWriteCounters(cancellationToken));
        Report.WriteWindowSeconds = Math.Round((DateTimeOffset.UtcNow - _backupTakenAt.Value).TotalSeconds, 3);
        foreach (var (table, rows) in written)
            Report.TablesWrittenAfterBackup[table] = rows;
        if (written.Count == 0)
            output.Information("Write window: no table was written in the {Seconds:0.0} s between the backup and the stop", Report.WriteWindowSeconds);
        else
            output.Warning("Write window: {Count} table(s) were written in the {Seconds:0.0} s between the backup and the stop ({Tables}); " +
                           "a rollback keeps those writes in the replaced database, not in the restored one. " + avoidingTheWindow,
                written.Count, Report.WriteWindowSeconds, string.Join(", ", written.Select(t => $"{t.Key}: {t.Value} rows")));
    }
}
