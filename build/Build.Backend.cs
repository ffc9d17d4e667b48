using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Runs;
using Nuke.Common;
using Nexplane.Upgrade.Steps.Stop;

partial class Build
{
    [Parameter("App services that use the database and are stopped before the migration")]
    readonly string[] StopServices = ["backend", "worker"];

    [Parameter("Compose service of the backend, whose log reports the migrations")]
    readonly string BackendService = "backend";

    [Parameter("Longest time the backend's migrations (and its startup) may take, e.g. 10m")]
    readonly TimeSpan MigrationTimeout = TimeSpan.FromMinutes(10);

    [Parameter("Longest time a started service may take to become healthy, e.g. 60s")]
    readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(60);

    [Parameter("How long started services must keep running without a restart to count as up, e.g. 3s")]
    readonly TimeSpan StabilityWindow = TimeSpan.FromSeconds(3);

    Target StartBackend => _ => _
        .Description(RunbookTable.Description(RunbookStep.StartBackend))
        .DependsOn(Stop)
        .OnlyWhenStatic(() => NotDryRun)
        .OnlyWhenDynamic(() => NotDoneBeforeResuming(RunbookStep.StartBackend))
        .Executes(async cancellationToken =>
            await Run.StartBackendAsync(Run.PresentServices(StopServices), UpgradeStateDirectory, Live, cancellationToken));

    /// <summary>The database really is where the backend's log says: one Alembic head, the reported one, and it moved if it had to.</summary>
    Target VerifyMigrations => _ => _
        .Description(RunbookTable.Description(RunbookStep.VerifyMigrations))
        .DependsOn(StartBackend)
        .OnlyWhenStatic(() => NotDryRun)
        .OnlyWhenDynamic(() => NotDoneBeforeResuming(RunbookStep.VerifyMigrations))
        .Executes(async cancellationToken => await Run.VerifyMigrationsAsync(Live.VerifyMigrationsAsync, cancellationToken));
}
