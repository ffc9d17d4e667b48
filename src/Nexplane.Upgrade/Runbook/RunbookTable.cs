namespace Nexplane.Upgrade.Runbook;

/// <summary>One row of the runbook: the step, what it does (its target's description in --help), and whether a failure of it is past the point of no return.</summary>
public sealed record RunbookEntry(RunbookStep Step, string Description, bool PastPointOfNoReturn);

/// <summary>
/// The runbook as one table: the steps in order, what each does, and which failures must be rolled back. The build
/// takes its targets' descriptions, their dependencies (<see cref="Previous"/>) and the Upgrade aggregate from here; the
/// rollback, the journal and the dry run read the order here (each step's dry-run text is in its folder, Steps/&lt;Step&gt;).
/// </summary>
public static class RunbookTable
{
    /// <summary>
    /// Every step, in the order of an upgrade with --backup-after-stop's backup in its place after Stop. Stop is the point
    /// of no return: a failure of it or of a later step up to Verify is rolled back; a failed agent never rolls the
    /// healthy control plane back.
    /// </summary>
    public static readonly IReadOnlyList<RunbookEntry> Entries =
    [
        new(RunbookStep.Preflight, "Checks the release notes, the upgrade path and the deployment; changes nothing", false),
        new(RunbookStep.Backup, "Backs up the database with pg_dump; the archive is decoded completely (beside Pull) before Stop", false),
        new(RunbookStep.Pull, "Pulls every new image before anything stops and records its digest", false),
        new(RunbookStep.Stop, "Stops the app services that use the database; never db or redis", true),
        new(RunbookStep.BackupAfterStopping, "With --backup-after-stop: the backup, taken once the app is stopped so no write is left out", true),
        new(RunbookStep.StartBackend, "Pins the new tag, starts backend and worker, and follows the migrations to startup", true),
        new(RunbookStep.VerifyMigrations, "Checks that alembic_version is the single head the backend reported", true),
        new(RunbookStep.Frontend, "Recreates the frontend alone on the new tag and checks its image, its page and any version it states", true),
        new(RunbookStep.Verify, "Checks the version endpoint, a real login and the asset inventory", true),
        new(RunbookStep.Agents, "Upgrades the agents (SSH or local) when the release requires it: canary, then waves, each host rolled back on its own", false),
    ];

    /// <summary>The steps in the order an upgrade runs them, with the backup taken before Pull (the default).</summary>
    public static readonly IReadOnlyList<RunbookStep> Steps =
        Entries.Select(entry => entry.Step).Where(step => step != RunbookStep.BackupAfterStopping).ToArray();

    /// <summary>The description of <paramref name="step"/>'s target.</summary>
    public static string Description(RunbookStep step) => Entries.First(entry => entry.Step == step).Description;

    /// <summary>The order of one upgrade: with the backup after Stop, it runs between Stop and StartBackend instead.</summary>
    public static IReadOnlyList<RunbookStep> InOrder(bool backupAfterStop) => backupAfterStop
        ? Steps.Where(step => step != RunbookStep.Backup)
            .SelectMany(step => step == RunbookStep.Stop ? [RunbookStep.Stop, RunbookStep.BackupAfterStopping] : new[] { step })
            .ToArray()
        : Steps;

    /// <summary>
    /// The step an upgrade runs just before <paramref name="step"/> (null for Preflight): the one its target depends on.
    /// BackupAfterStopping's is Stop, as in an upgrade with --backup-after-stop.
    /// </summary>
    public static RunbookStep? Previous(RunbookStep step) => Neighbour(step, -1);

    /// <summary>The step an upgrade runs just after <paramref name="step"/> (null for Agents); BackupAfterStopping's is StartBackend.</summary>
    public static RunbookStep? Next(RunbookStep step) => Neighbour(step, +1);

    static RunbookStep? Neighbour(RunbookStep step, int offset)
    {
        var order = InOrder(backupAfterStop: step == RunbookStep.BackupAfterStopping);
        var index = order.ToList().IndexOf(step) + offset;
        return index >= 0 && index < order.Count ? order[index] : null;
    }

    /// <summary>The steps whose failure is rolled back (see <see cref="Entries"/>).</summary>
    public static readonly IReadOnlyList<RunbookStep> PastPointOfNoReturn =
        Entries.Where(entry => entry.PastPointOfNoReturn).Select(entry => entry.Step).ToArray();

    /// <summary>The runbook steps among target names (other targets, such as Rollback or Sandbox, are left out).</summary>
    public static IReadOnlyList<RunbookStep> Named(IEnumerable<string> names) =>
        names.Select(name => Enum.TryParse<RunbookStep>(name, ignoreCase: false, out var step) ? step : (RunbookStep?)null)
            .OfType<RunbookStep>()
            .ToArray();
}
