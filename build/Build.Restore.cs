using Nexplane.Upgrade.Database;
using Nuke.Common;
using Nuke.Common.IO;
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
        .Executes(async cancellationToken =>
        {
            var archive = BackupToRestore();
            await AppServicesGuard.EnsureStoppedAsync(await ContainersAsync(cancellationToken), StopServices,
                $"docker compose -f {ComposeFilePath} stop {string.Join(' ', StopServices)}", cancellationToken);
            var result = await RestoreBackupAsync(archive, cancellationToken);
            ReportSummary(summary => summary["Restored"] = Path.GetFileName(result.Archive) +
                (result.KeptFailedDatabase is null ? "" : $", kept {result.KeptFailedDatabase}"));
        });

    /// <summary>Restores <paramref name="archive"/> into the deployment's database; Rollback calls this too.</summary>
    async Task<RestoreResult> RestoreBackupAsync(string archive, CancellationToken cancellationToken)
    {
        var (exec, containerId) = await DatabaseContainerAsync(cancellationToken);
        var result = await new RestoreService(exec, LogLine, line => Log.Warning("{Warning}", line))
            .RestoreAsync(new RestoreRequest(DatabaseTarget, archive, BackupMode, containerId, Math.Max(RestoreJobs, 1)), cancellationToken);
        if (result.KeptFailedDatabase is not null)
            Report.NextSteps.Add($"The replaced database is kept as {result.KeptFailedDatabase}; attach a dump of it to the bug report, then drop it.");
        return result;
    }

    string BackupToRestore()
    {
        if (BackupFile is not null)
            return BackupFile;
        var fromUpgrade = Journals.Unfinished(ComposeFilePath)?.BackupFile;
        if (fromUpgrade is not null)
        {
            Log.Information("Restoring the backup of the unfinished upgrade: {Archive}", fromUpgrade);
            return fromUpgrade;
        }
        var newest = new BackupFiles(BackupDirectoryPath).NewestVerified()
            ?? throw new InvalidOperationException(
                $"No verified backup in {BackupDirectoryPath} (a verified backup has a manifest and still matches its sha256). " +
                "Name one with --backup-file, or point --backup-directory at the directory that holds them.");
        Log.Information("Restoring the newest verified backup: {Archive}", newest);
        return newest;
    }
}
