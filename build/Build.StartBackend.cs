using Nexplane.Upgrade.Runbook;
using Nuke.Common;

/// <summary>StartBackend (src/Nexplane.Upgrade/Steps/StartBackend): the new backend, its migrations, until it answers and stays up.</summary>
partial class Build
{
    [Parameter("Longest time the backend's migrations (and its startup) may take, e.g. 10m")]
    readonly TimeSpan MigrationTimeout = TimeSpan.FromMinutes(10);

    [Parameter("Longest time a started service may take to become healthy, e.g. 60s")]
    readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(60);

    [Parameter("How long started services must keep running without a restart to count as up, e.g. 3s")]
    readonly TimeSpan StabilityWindow = TimeSpan.FromSeconds(3);

    Target StartBackend => _ => _
        .Description(RunbookTable.Description(RunbookStep.StartBackend))
        .DependsOn(PreviousStep(RunbookStep.StartBackend))
        .OnlyWhenStatic(() => NotDryRun)
        .OnlyWhenDynamic(() => NotDoneBeforeResuming(RunbookStep.StartBackend))
        .Executes(ResolveDeployment)
        .Executes(async cancellationToken =>
            await Run.StartBackendAsync(Run.PresentServices(StopServices), UpgradeStateDirectory, Live, Live, cancellationToken));
}
