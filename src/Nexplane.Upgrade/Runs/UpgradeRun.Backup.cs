using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Runbook;

namespace Nexplane.Upgrade.Runs;

/// <summary>The backup a rollback trusts, and the writes the app made after it.</summary>
public sealed partial class UpgradeRun
{
    /// <summary>Write counters of every table when the backup's snapshot was taken; Stop compares against them.</summary>
    Steps.Stop.WritesAtBackup? _writesAtBackup;

    /// <summary>A backup written by <see cref="StartBackUpAsync"/> whose decode check has not been awaited yet.</summary>
    (WrittenBackup Written, BackupPolicy Policy)? _backupBeingVerified;

    /// <summary>
    /// The runbook's "back up the database", verified so the rollback can trust it, labelled with the running version
    /// and images, then the retention applied. A backup that does not verify throws.
    /// </summary>
    public async Task BackUpAsync(IDatabaseBackup database, BackupPolicy policy, CancellationToken cancellationToken)
    {
        var written = await WriteBackupAsync(database, policy, cancellationToken);
        var manifest = await RecordVerifiedAsync(written, policy);
        output.Summary("Backup", $"{manifest.ArchiveFile} ({ByteSize.Megabytes(manifest.SizeBytes)}, verified)");
    }

    /// <summary>
    /// The backup before the downtime: returns once the archive is written and hashed, so Pull runs while the archive's
    /// decode check finishes; <see cref="EnsureBackupVerifiedAsync"/> (the end of Pull, or Stop) waits for its verdict,
    /// so nothing is stopped before the backup is proven.
    /// </summary>
    public async Task StartBackUpAsync(IDatabaseBackup database, BackupPolicy policy, CancellationToken cancellationToken)
    {
        var written = await WriteBackupAsync(database, policy, cancellationToken);
        _backupBeingVerified = (written, policy);
        output.Summary("Backup", $"{Path.GetFileName(written.Archive)} ({ByteSize.Megabytes(written.SizeBytes)}, checked beside Pull)");
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
        try
        {
            await RecordVerifiedAsync(pending.Written, pending.Policy);
            Journal?.MarkCompleted(nameof(RunbookStep.Backup));
        }
        catch (BackupException exception)
        {
            throw new BackupException($"{exception.Message} The archive was deleted; nothing was stopped, the deployment still runs the previous version.");
        }
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

    async Task<WrittenBackup> WriteBackupAsync(IDatabaseBackup database, BackupPolicy policy, CancellationToken cancellationToken)
    {
        BackupStarting(await database.CaptureWriteCountersAsync(cancellationToken));
        var preflight = Preflight ?? throw new InvalidOperationException("Backup needs Preflight's findings; run it through Upgrade or with Preflight.");
        return await database.BackUpAsync(preflight.Current?.ToString() ?? "unknown",
            preflight.Services.ToDictionary(service => service.Service, service => service.From.ToString()), policy, cancellationToken);
    }


    /// <summary>Once verified, the backup is what a rollback restores (report and journal); then the retention applies.</summary>
    async Task<BackupManifest> RecordVerifiedAsync(WrittenBackup written, BackupPolicy policy)
    {
        var manifest = await written.Verified;
        RecordBackup(Path.Combine(policy.Directory, manifest.ArchiveFile), manifest.AlembicRevisions);
        foreach (var deleted in new BackupFiles(policy.Directory).Prune(policy.Retention))
            output.Information("Retention ({Keep}): deleted the older backup {Archive}", policy.Retention, Path.GetFileName(deleted));
        return manifest;
    }

    /// <summary>Marks the moment of the backup's snapshot, with every table's write counters then.</summary>
    public void BackupStarting(IReadOnlyDictionary<string, long> writeCounters) =>
        _writesAtBackup = new Steps.Stop.WritesAtBackup(writeCounters, Clock.UtcNow);

    /// <summary>
    /// The backup a Restore puts back into the database the deployment uses now (<paramref name="live"/>): the named one,
    /// whatever database it was taken from (a difference is printed first); else the unfinished upgrade's, else the
    /// newest verified one in <paramref name="backupDirectory"/>, and either only when it was taken from this very
    /// database: a backup of an earlier installation, or of a database replaced since, is never chosen implicitly.
    /// </summary>
    /// <param name="live">The database there now; null when it cannot be read (e.g. missing): then only a named backup is restored.</param>
    public string ChooseBackupToRestore(string? named, JournalStore journals, string composeFile, string backupDirectory, DatabaseIdentity? live)
    {
        if (named is not null)
        {
            var manifestPath = BackupManifest.PathFor(named);
            var takenFrom = File.Exists(manifestPath) ? BackupManifest.Read(manifestPath).DatabaseIdentity : null;
            if (live is null)
                output.Warning("The deployment's database cannot be read, so nothing says which database {Archive} goes into; restoring it as named", named);
            else if (takenFrom is null)
                output.Information("{Archive} does not record which database it was taken from; restoring it as named", named);
            else if (takenFrom.DifferenceFrom(live) is { } difference)
                output.Warning("{Archive} was taken from another database than the deployment uses now: {Difference}. Restoring it because you named it",
                    named, difference);
            return named;
        }
        if (live is null)
            throw new DeploymentChangedException(
                $"The deployment's database cannot be read, so no backup is chosen for it. Nothing was changed. Name one with {Setting.BackupFile.Flag()}.");
        var files = new BackupFiles(backupDirectory);
        var refuseOther = $"Nothing was changed. Name a backup with {Setting.BackupFile.Flag()} to restore it anyway (its difference is printed first).";
        if (journals.Unfinished(composeFile)?.BackupFile is { } fromUpgrade)
        {
            var manifestPath = BackupManifest.PathFor(fromUpgrade);
            var takenFrom = File.Exists(manifestPath) ? BackupManifest.Read(manifestPath).DatabaseIdentity : null;
            if (takenFrom?.DifferenceFrom(live) is { } difference)
                throw new DeploymentChangedException(
                    $"The unfinished upgrade's backup {fromUpgrade} was taken from another database than the deployment uses now: {difference}. {refuseOther}");
            if (takenFrom is null)
                throw new DeploymentChangedException(
                    $"The unfinished upgrade's backup {fromUpgrade} does not record which database it was taken from. {refuseOther}");
            output.Information("Restoring the backup of the unfinished upgrade: {Archive}", fromUpgrade);
            return fromUpgrade;
        }
        var verified = files.Verified().ToArray();
        if (verified.Length == 0)
            throw new InvalidOperationException(
                $"No verified backup in {backupDirectory} (a verified backup has a manifest and still matches its sha256). " +
                $"Name one with {Setting.BackupFile.Flag()}, or point {Setting.BackupDirectory.Flag()} at the directory that holds them.");
        var ofThisDatabase = verified.FirstOrDefault(entry => entry.Manifest.DatabaseIdentity is { } taken && taken.DifferenceFrom(live) is null);
        if (ofThisDatabase.Archive is null)
        {
            var newest = verified[0];
            throw new DeploymentChangedException(
                $"No verified backup in {backupDirectory} was taken from the database the deployment uses now ({live}). The newest, " +
                $"{newest.Archive}, " + (newest.Manifest.DatabaseIdentity is { } taken
                    ? $"was taken from another: {taken.DifferenceFrom(live)}."
                    : "does not record which database it was taken from.") + " " + refuseOther);
        }
        if (ofThisDatabase.Archive != verified[0].Archive)
            output.Information("Newer backups in {Directory} were taken from another database (an earlier installation, or one replaced since); not chosen",
                backupDirectory);
        output.Information("Restoring the newest verified backup of this database: {Archive}", ofThisDatabase.Archive);
        return ofThisDatabase.Archive;
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
}
