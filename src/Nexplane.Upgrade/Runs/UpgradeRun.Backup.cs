using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Steps.Backup;

namespace Nexplane.Upgrade.Runs;

/// <summary>
/// Backup (Steps/Backup): the run labels it with Preflight's findings, keeps its write counters for Stop, awaits its
/// verdict where Pull or Stop need it, and records the verified backup a rollback restores.
/// </summary>
public sealed partial class UpgradeRun
{
    /// <summary>Write counters of every table when the backup's snapshot was taken; Stop compares against them.</summary>
    Steps.Stop.WritesAtBackup? _writesAtBackup;

    /// <summary>A backup written by <see cref="StartBackUpAsync"/> whose decode check has not been awaited yet.</summary>
    (BackupResult Written, BackupPolicy Policy)? _backupBeingVerified;

    /// <summary>
    /// The runbook's "back up the database", verified so the rollback can trust it, labelled with the running version
    /// and images, then the retention applied. A backup that does not verify throws.
    /// </summary>
    public async Task BackUpAsync(IDatabaseBackup database, BackupPolicy policy, CancellationToken cancellationToken)
    {
        var step = new BackupStep(output, Clock);
        var written = await WriteBackupAsync(step, database, policy, cancellationToken);
        var manifest = await written.Verified;
        RecordVerified(step, manifest, policy);
        step.SayVerified(manifest);
    }

    /// <summary>
    /// The backup before the downtime: returns once the archive is written and hashed, so Pull runs while the archive's
    /// decode check finishes; <see cref="EnsureBackupVerifiedAsync"/> (the end of Pull, or Stop) waits for its verdict,
    /// so nothing is stopped before the backup is proven.
    /// </summary>
    public async Task StartBackUpAsync(IDatabaseBackup database, BackupPolicy policy, CancellationToken cancellationToken)
    {
        var step = new BackupStep(output, Clock);
        var written = await WriteBackupAsync(step, database, policy, cancellationToken);
        _backupBeingVerified = (written, policy);
        step.SayCheckedBesidePull(written);
    }

    /// <summary>
    /// Waits for the checks of the backup <see cref="StartBackUpAsync"/> wrote; throws when it did not verify. Only
    /// then is the Backup step complete in the journal: a run killed before the verdict takes the backup again on resume.
    /// </summary>
    public async Task EnsureBackupVerifiedAsync()
    {
        if (_backupBeingVerified is not { } pending)
            return;
        _backupBeingVerified = null;
        var manifest = await BackupStep.VerdictBeforeStopAsync(pending.Written);
        RecordVerified(new BackupStep(output, Clock), manifest, pending.Policy);
        Journal?.MarkCompleted(nameof(RunbookStep.Backup));
    }

    /// <summary>
    /// At the end of a run that ended before its backup's verdict (a failed Pull): the check ends, and the archive is
    /// kept (verified) or deleted. Never throws: the run's own outcome is what the operator must read.
    /// </summary>
    public async Task SettleBackupBeingVerifiedAsync()
    {
        if (_backupBeingVerified is null)
            return;
        output.Information("Waiting for the backup's check to end, so the archive is kept verified or deleted (Ctrl+C stops it)");
        try
        {
            await EnsureBackupVerifiedAsync();
        }
        catch (Exception exception)
        {
            output.Warning("The backup did not pass its check and was deleted: {Reason}", exception.Message);
        }
    }

    /// <summary>The backup labelled with what Preflight found running; its write counters are kept for Stop.</summary>
    async Task<BackupResult> WriteBackupAsync(BackupStep step, IDatabaseBackup database, BackupPolicy policy, CancellationToken cancellationToken)
    {
        var preflight = Preflight ?? throw new InvalidOperationException("Backup needs Preflight's findings; run it through Upgrade or with Preflight.");
        var written = await step.WriteAsync(new BackupInput(preflight.Current?.ToString() ?? "unknown",
            preflight.Services.ToDictionary(service => service.Service, service => service.From.ToString()), policy), database, cancellationToken);
        _writesAtBackup = new Steps.Stop.WritesAtBackup(written.WriteCounters, written.CountersTakenAt);
        return written;
    }

    /// <summary>Once verified, the backup is what a rollback restores (report and journal); only then does the retention apply.</summary>
    void RecordVerified(BackupStep step, BackupManifest manifest, BackupPolicy policy)
    {
        RecordBackup(Path.Combine(policy.Directory, manifest.ArchiveFile), manifest.AlembicRevisions);
        step.ApplyRetention(policy);
    }

    /// <summary>The verified backup is what a rollback restores: into the record (the journal saves it, the report reads it).</summary>
    /// <param name="alembicRevisions">The database's revisions the backup holds.</param>
    public void RecordBackup(string archive, IReadOnlyList<string> alembicRevisions)
    {
        if (Journal is not null)
            Journal.RevisionBefore = string.Join(",", alembicRevisions);
        Record.Append(new BackupVerified(archive));
    }
}
