using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Runs;
using Nexplane.Upgrade.Steps.Stop;
using Nuke.Common;
using Nexplane.Upgrade;

/// <summary>Stop (src/Nexplane.Upgrade/Steps/Stop): the point of no return, and the start of the downtime.</summary>
partial class Build
{
    [Parameter("App services that use the database and are stopped before the migration")]
    readonly string[] StopServices = ["backend", "worker"];

    [Parameter("How long a stopping service may take after its TERM before the engine kills it, e.g. 5s")]
    readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The point of no return: from here on a failure triggers <see cref="Rollback"/>.</summary>
    Target Stop => _ => _
        .Description(RunbookTable.Description(RunbookStep.Stop))
        .DependsOn(PreviousStep(RunbookStep.Stop))
        .OnlyWhenStatic(() => NotDryRun)
        .OnlyWhenDynamic(() => NotDoneBeforeResuming(RunbookStep.Stop))
        .Executes(ResolveDeployment)
        .Executes(async cancellationToken =>
            await Run.StopAppAsync(Run.PresentServices(StopServices),
                new StopSettings(BackendService, StopTimeout, Advice.Flag(Setting.StopTimeout), $"{Advice.Flag(Setting.BackupAfterStop)} avoids the window."), Live, cancellationToken));
}
