namespace Nexplane.Upgrade.Runbook;

/// <summary>
/// A step of the upgrade runbook. Each is named exactly like the build target that performs it, because the journal
/// records completed steps by that name.
/// </summary>
public enum RunbookStep
{
    Preflight,
    Backup,
    Pull,
    Stop,
    /// <summary>The backup taken after Stop instead of before Pull (--backup-after-stop).</summary>
    BackupAfterStopping,
    StartBackend,
    VerifyMigrations,
    Frontend,
    Verify,
    Agents,
}
