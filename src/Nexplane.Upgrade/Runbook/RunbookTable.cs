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
    public static IReadOnlyList<RunbookStep> Steps => DefaultOrder;

    /// <summary>The description of <paramref name="step"/>'s target.</summary>
    public static string Description(RunbookStep step) => Entries.First(entry => entry.Step == step).Description;

    /// <summary>The order of one upgrade: with the backup after Stop, it runs between Stop and StartBackend instead.</summary>
    public static IReadOnlyList<RunbookStep> InOrder(bool backupAfterStop) => OrderOf(backupAfterStop);

    /// <summary>
    /// The step an upgrade runs just before <paramref name="step"/> (null for Preflight): the one its target depends on.
    /// BackupAfterStopping's is Stop, as in an upgrade with --backup-after-stop.
    /// </summary>
    public static RunbookStep? Previous(RunbookStep step) => Neighbour(step, -1);

    /// <summary>The step an upgrade runs just after <paramref name="step"/> (null for Agents); BackupAfterStopping's is StartBackend.</summary>
    public static RunbookStep? Next(RunbookStep step) => Neighbour(step, +1);

    /// <summary>The steps whose failure is rolled back (see <see cref="Entries"/>).</summary>
    public static IReadOnlyList<RunbookStep> PastPointOfNoReturn => RolledBack;

    /// <summary>Each of <see cref="Steps"/> mapped, in order: the build's targets of the steps (no LINQ; see below).</summary>
    public static T[] StepsAs<T>(Func<RunbookStep, T> map) => Map(DefaultOrder, map);

    /// <summary>Each of <see cref="PastPointOfNoReturn"/> mapped, in order (no LINQ; see below).</summary>
    public static T[] PastPointOfNoReturnAs<T>(Func<RunbookStep, T> map) => Map(RolledBack, map);

    static T[] Map<T>(RunbookStep[] steps, Func<RunbookStep, T> map)
    {
        var mapped = new T[steps.Length];
        for (var index = 0; index < steps.Length; index++)
            mapped[index] = map(steps[index]);
        return mapped;
    }

    // Below, plain arrays and loops rather than LINQ or List<RunbookStep>: every run, --help included, reads this table
    // while its targets are discovered, and generic code over an enum is code over a value type, which ReadyToRun
    // cannot compile ahead of time for the framework's generics. The JIT spent about 65 methods and 10 ms of a 210 ms
    // --help on it (benchmarks/startup.sh).
    static readonly RunbookStep[] DefaultOrder = Where(entry => entry.Step != RunbookStep.BackupAfterStopping);
    static readonly RunbookStep[] BackupAfterStopOrder = Where(entry => entry.Step != RunbookStep.Backup);
    static readonly RunbookStep[] RolledBack = Where(entry => entry.PastPointOfNoReturn);

    static RunbookStep[] OrderOf(bool backupAfterStop) => backupAfterStop ? BackupAfterStopOrder : DefaultOrder;

    static RunbookStep? Neighbour(RunbookStep step, int offset)
    {
        var order = OrderOf(backupAfterStop: step == RunbookStep.BackupAfterStopping);
        for (var index = 0; index < order.Length; index++)
        {
            if (order[index] == step)
                return index + offset >= 0 && index + offset < order.Length ? order[index + offset] : null;
        }

        return null;
    }

    /// <summary>The steps of the entries <paramref name="keep"/> keeps, in the table's order.</summary>
    static RunbookStep[] Where(Func<RunbookEntry, bool> keep)
    {
        var count = 0;
        foreach (var entry in Entries)
            count += keep(entry) ? 1 : 0;
        var steps = new RunbookStep[count];
        var next = 0;
        foreach (var entry in Entries)
        {
            if (keep(entry))
                steps[next++] = entry.Step;
        }

        return steps;
    }

    /// <summary>The runbook steps among target names (other targets, such as Rollback or Sandbox, are left out).</summary>
    public static IReadOnlyList<RunbookStep> Named(IEnumerable<string> names) =>
        names.Select(name => Enum.TryParse<RunbookStep>(name, ignoreCase: false, out var step) ? step : (RunbookStep?)null)
            .OfType<RunbookStep>()
            .ToArray();
}
