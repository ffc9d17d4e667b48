using Nuke.Common;

partial class Build
{
    [Parameter("App services that use the database and are stopped before the migration")]
    readonly string[] StopServices = ["backend", "worker"];

    [Parameter("Longest time the backend's migrations may take, e.g. 10m")]
    readonly TimeSpan MigrationTimeout = TimeSpan.FromMinutes(10);

    [Parameter("Longest time a started service may take to become healthy, e.g. 60s")]
    readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The point of no return: from here on a failure triggers <see cref="Rollback"/>.</summary>
    Target Stop => _ => _
        .Description("Stops the app services that use the database; never db or redis")
        .DependsOn(Pull)
        .Executes(() => NotImplementedYet(nameof(Stop)));

    Target StartBackend => _ => _
        .Description("Pins the new tag, starts backend and worker, and follows the migrations to startup")
        .DependsOn(Stop)
        .Executes(() => NotImplementedYet(nameof(StartBackend)));

    /// <summary>The Alembic head the backend's log reported while migrating; VerifyMigrations checks the database against it.</summary>
    string? MigrationHeadFromLogs;
}
