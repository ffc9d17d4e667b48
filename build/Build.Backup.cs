using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Database;
using Nuke.Common;
using Nuke.Common.IO;

/// <summary>Backup (src/Nexplane.Upgrade/Steps/Backup): the database backed up and verified before anything stops.</summary>
partial class Build
{
    [Parameter("Directory that keeps the backups (owner-only permissions)")]
    readonly AbsolutePath? BackupDirectory;

    [Parameter("Where pg_dump runs: Auto, Host or Container")]
    readonly BackupMode BackupMode = BackupMode.Auto;

    [Parameter("Backup format: Custom or Plain (the runbook's .sql)")]
    readonly BackupFormat BackupFormat = BackupFormat.Custom;

    [Parameter("How many backups to keep; the newest verified backup is never deleted")]
    readonly int BackupRetention = 5;

    [Parameter("Take the backup after the app is stopped: no writes are lost, at the cost of a longer outage")]
    readonly bool BackupAfterStop;

    BackupPolicy BackupPolicy => new(BackupDirectoryPath, BackupFormat, BackupRetention);

    /// <summary>
    /// The runbook's "back up the database", verified so the rollback can trust it. A backup that does not verify
    /// fails this target, and with it the upgrade, before anything is pulled or stopped.
    /// </summary>
    Target Backup => _ => _
        .Description(RunbookTable.Description(RunbookStep.Backup))
        .DependsOn(PreviousStep(RunbookStep.Backup))
        .OnlyWhenStatic(() => NotDryRun)
        .OnlyWhenStatic(() => !BackupAfterStop)
        .OnlyWhenDynamic(() => NotDoneBeforeResuming(RunbookStep.Backup))
        .Executes(ResolveDeployment)
        .Executes(async cancellationToken =>
        {
            await Run.StartBackUpAsync(Live, BackupPolicy, cancellationToken);
            // Before a Pull that runs, the check finishes beside it (Pull waits for the verdict); otherwise (alone, or
            // Pull done before resuming) the step ends verified, so a failed check never surfaces in Stop.
            if (!ScheduledTargets.Contains(Pull) || !NotDoneBeforeResuming(RunbookStep.Pull))
                await Run.EnsureBackupVerifiedAsync();
        });

    /// <summary>
    /// The same backup taken once the app is stopped (--backup-after-stop): no write is left out of it, at the
    /// cost of the dump's time added to the outage. The default backs up while the old version still serves.
    /// </summary>
    Target BackupAfterStopping => _ => _
        .Description(RunbookTable.Description(RunbookStep.BackupAfterStopping))
        .DependsOn(PreviousStep(RunbookStep.BackupAfterStopping))
        .DependentFor(TargetOf(RunbookTable.Next(RunbookStep.BackupAfterStopping)!.Value))
        .OnlyWhenStatic(() => NotDryRun)
        .OnlyWhenStatic(() => BackupAfterStop)
        .OnlyWhenDynamic(() => NotDoneBeforeResuming(RunbookStep.BackupAfterStopping))
        .Executes(ResolveDeployment)
        .Executes(async cancellationToken => await Run.BackUpAsync(Live, BackupPolicy, cancellationToken));
}
