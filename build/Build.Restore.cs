using Nuke.Common;
using Nuke.Common.IO;

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
        .Executes(async cancellationToken =>
        {
            // Which database is there now decides which backup may go back into it (a reinstalled one takes none implicitly).
            var archive = Run.ChooseBackupToRestore(BackupFile, Journals, Deployment.ComposeFile, BackupDirectoryPath,
                await Live.DatabaseIdentityAsync(cancellationToken));
            await Live.EnsureAppStoppedAsync(cancellationToken);
            var result = await Live.RestoreDatabaseAsync(archive, cancellationToken);
            ReportSummary(summary => summary["Restored"] = Path.GetFileName(result.Archive) +
                (result.KeptFailedDatabase is null ? "" : $", kept {result.KeptFailedDatabase}"));
        });
}
