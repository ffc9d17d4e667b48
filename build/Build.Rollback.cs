using Nuke.Common;

partial class Build
{
    [Parameter("Continue an interrupted upgrade from its last completed step")]
    readonly bool Resume;

    /// <summary>Steps after the point of no return: if one of them fails, the deployment must be rolled back.</summary>
    Target[] StepsPastPointOfNoReturn => [Stop, StartBackend, VerifyMigrations, Frontend, Verify];

    bool UpgradeFailedPastPointOfNoReturn =>
        StepsPastPointOfNoReturn.Any(step => FailedTargets.Contains(step) || AbortedTargets.Contains(step));

    /// <summary>Printed as the skip reason, so it reads as the rule it is.</summary>
    bool RollbackNeeded => InvokedTargets.Contains(Rollback) || UpgradeFailedPastPointOfNoReturn;

    /// <summary>
    /// NUKE's rollback pattern: planned with the upgrade steps, assured to run after a failure, and skipped
    /// unless a step past the point of no return failed (or it was invoked directly).
    /// </summary>
    Target Rollback => _ => _
        .Description("Undoes an upgrade from its journal: old images, restored database, old version verified")
        .TriggeredBy(Stop, StartBackend, VerifyMigrations, Frontend, Verify)
        .AssuredAfterFailure()
        .OnlyWhenDynamic(() => RollbackNeeded)
        .Executes(() => NotImplementedYet(nameof(Rollback)));
}
