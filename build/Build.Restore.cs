using Nuke.Common;
using Nuke.Common.IO;
using Nexplane.Upgrade.Runs;
using Serilog;

partial class Build
{
    [Parameter("Backup file for Restore (default: the backup of the unfinished upgrade, else the newest verified backup)")]
    readonly AbsolutePath? BackupFile;

    [Parameter("Parallel COPY connections and pg_restore jobs when restoring a custom-format backup on this machine; 1 loads with one pg_restore (default: the number of cores)")]
    readonly int RestoreJobs = Environment.ProcessorCount;

    /// <summary>
    /// Restores a verified backup into a new database and swaps it in, keeping the replaced database for the bug
    /// report. Refuses while the app services still run; never stops or restarts db or redis.
    /// </summary>
    Target Restore => _ => _
        .Description("Restores a backup into a new database and swaps it in, keeping the old one")
        .OnlyWhenStatic(() => NotDryRun)
        .Requires(() => ComposeFile)
        .Executes(ResolveDeploymentAlone)
        .Executes(async cancellationToken =>
        {
            // One change at a time: a restore while an upgrade (or another restore) runs on this deployment is refused.
            HeldLock ??= TakeLock($"{Advice.RestoreBackup} {BackupFile?.ToString() ?? "(chosen)"}", takeOverAbandoned: false);
            // Which database is there now decides which backup may go back into it (a reinstalled one takes none implicitly).
            var archive = Run.ChooseBackupToRestore(BackupFile, Journals, Deployment.ComposeFile, BackupDirectoryPath,
                await LiveDatabaseIdentityAsync(cancellationToken));
            await Live.EnsureAppStoppedAsync(cancellationToken);
            var result = await Live.RestoreDatabaseAsync(archive, cancellationToken);
            Run.Report.NextSteps.AddRange(result.NextSteps);
            // The restored database is a new one: an unfinished upgrade's journal must know it as the deployment's now.
            if (Journals.Unfinished(Deployment.ComposeFile) is { } unfinished)
            {
                unfinished.DatabaseIdentity = await Live.DatabaseIdentityAsync(cancellationToken);
                unfinished.Save();
            }
            ReportSummary(summary => summary["Restored"] = Path.GetFileName(result.Archive) +
                (result.KeptFailedDatabase is null ? "" : $", kept {result.KeptFailedDatabase}"));
        });

    /// <summary>The database there now; null when it cannot be read (a missing database, which a named backup re-creates).</summary>
    async Task<Nexplane.Upgrade.Database.DatabaseIdentity?> LiveDatabaseIdentityAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await Live.DatabaseIdentityAsync(cancellationToken);
        }
        catch (Nexplane.Upgrade.Database.DatabaseAccessException exception)
        {
            Log.Warning("The deployment's database cannot be read: {Reason}", exception.Message);
            return null;
        }
    }
}
