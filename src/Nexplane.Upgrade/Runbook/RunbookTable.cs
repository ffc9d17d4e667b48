namespace Nexplane.Upgrade.Runbook;

/// <summary>The one list of the runbook's steps and their order; the rollback, the journal and the build read it here.</summary>
public static class RunbookTable
{
    /// <summary>The steps in the order an upgrade runs them, with the backup taken before Pull (the default).</summary>
    public static readonly IReadOnlyList<RunbookStep> Steps =
    [
        RunbookStep.Preflight, RunbookStep.Backup, RunbookStep.Pull, RunbookStep.Stop, RunbookStep.StartBackend,
        RunbookStep.VerifyMigrations, RunbookStep.Frontend, RunbookStep.Verify, RunbookStep.Agents,
    ];

    /// <summary>The order of one upgrade: with the backup after Stop, it runs between Stop and StartBackend instead.</summary>
    public static IReadOnlyList<RunbookStep> InOrder(bool backupAfterStop) => backupAfterStop
        ? Steps.Where(step => step != RunbookStep.Backup)
            .SelectMany(step => step == RunbookStep.Stop ? [RunbookStep.Stop, RunbookStep.BackupAfterStopping] : new[] { step })
            .ToArray()
        : Steps;

    /// <summary>
    /// Stop is the point of no return: a failure of it or of a later step up to Verify must be rolled back. Agents is
    /// not among them: a failed agent never rolls the healthy control plane back.
    /// </summary>
    public static readonly IReadOnlyList<RunbookStep> PastPointOfNoReturn =
    [
        RunbookStep.Stop, RunbookStep.BackupAfterStopping, RunbookStep.StartBackend, RunbookStep.VerifyMigrations,
        RunbookStep.Frontend, RunbookStep.Verify,
    ];

    /// <summary>The runbook steps among target names (other targets, such as Rollback or Sandbox, are left out).</summary>
    public static IReadOnlyList<RunbookStep> Named(IEnumerable<string> names) =>
        names.Select(name => Enum.TryParse<RunbookStep>(name, ignoreCase: false, out var step) ? step : (RunbookStep?)null)
            .OfType<RunbookStep>()
            .ToArray();
}
