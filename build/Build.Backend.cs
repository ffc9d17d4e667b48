using Nexplane.Upgrade.Database;
using Docker.DotNet;
using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Processes;
using Nexplane.Upgrade.Runs;
using Nuke.Common;
using Serilog;

partial class Build
{
    [Parameter("App services that use the database and are stopped before the migration")]
    readonly string[] StopServices = ["backend", "worker"];

    [Parameter("Compose service of the backend, whose log reports the migrations")]
    readonly string BackendService = "backend";

    [Parameter("How long a stopping service may take after its TERM before the engine kills it, e.g. 5s")]
    readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    [Parameter("Longest time the backend's migrations (and its startup) may take, e.g. 10m")]
    readonly TimeSpan MigrationTimeout = TimeSpan.FromMinutes(10);

    [Parameter("Longest time a started service may take to become healthy, e.g. 60s")]
    readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(60);

    [Parameter("How long started services must keep running without a restart to count as up, e.g. 3s")]
    readonly TimeSpan StabilityWindow = TimeSpan.FromSeconds(3);

    /// <summary>The point of no return: from here on a failure triggers <see cref="Rollback"/>.</summary>
    Target Stop => _ => _
        .Description("Stops the app services that use the database; never db or redis")
        .DependsOn(Pull)
        .OnlyWhenStatic(() => NotDryRun)
        .OnlyWhenDynamic(() => NotDoneBeforeResuming(nameof(Stop)))
        .Executes(async cancellationToken =>
            await Run.StopAppAsync(PresentServices(StopServices),
                new StopSettings(BackendService, StopTimeout, "--stop-timeout", "--backup-after-stop avoids the window."), this, cancellationToken));

    Target StartBackend => _ => _
        .Description("Pins the new tag, starts backend and worker, and follows the migrations to startup")
        .DependsOn(Stop)
        .OnlyWhenStatic(() => NotDryRun)
        .OnlyWhenDynamic(() => NotDoneBeforeResuming(nameof(StartBackend)))
        .Executes(async cancellationToken =>
            await Run.StartBackendAsync(PresentServices(StopServices), UpgradeStateDirectory, this, cancellationToken));

    /// <summary>Waits for the backend's /health to answer; returns when it first did.</summary>
    Task<DateTimeOffset> WaitUntilHealthyAsync(CancellationToken cancellationToken) =>
        new HealthWaiter(Http).WaitAsync(new Uri(ApiUri.ToString().TrimEnd('/') + "/health"), HealthTimeout, "--health-timeout", cancellationToken);

    /// <summary>
    /// Pins the Preflight-resolved tag of each service where the deployment keeps it. The journal keeps the copy a
    /// rollback restores (it survives a killed run); the pinner's copy beside the file is for the operator.
    /// </summary>
    void PinTags(IReadOnlyCollection<string> services)
    {
        var pins = services.Select(service => (service, ServiceUpgrades.First(u => u.Service == service).To.Tag!)).ToArray();
        var pinned = new TagPinner(ComposeFilePath, EnvFilePath, Report.Id, path => Journal?.RememberOriginal(path)).Pin(pins);
        foreach (var file in pinned)
            foreach (var tag in file.Tags)
                Log.Information("{Service}: pinned {Pinned} ({Location} of {File}, was {Previous}; copy kept as {Copy})",
                    tag.Service, tag.Pinned, tag.Location, file.Path, tag.Previous, file.PreviousCopy);
    }

    /// <summary>The requested services that the deployment has; the others are skipped with a notice.</summary>
    IReadOnlyCollection<string> PresentServices(IEnumerable<string> requested)
    {
        var present = requested.Where(service => ServiceUpgrades.Any(u => u.Service == service)).ToArray();
        foreach (var absent in requested.Except(present))
            Log.Information("{Service} is not part of this deployment's upgrade; skipped", absent);
        return present;
    }

    async Task ConfirmStableAsync(IReadOnlyCollection<string> services, CancellationToken cancellationToken)
    {
        var containers = await ContainersAsync(cancellationToken);
        var stability = new ContainerStability(await DockerAsync(cancellationToken));
        await Task.WhenAll(services.Select(async service =>
        {
            var container = await NewestContainerAsync(containers, service, cancellationToken);
            await stability.ConfirmStableAsync(service, container.Id, 0, StabilityWindow, cancellationToken);
        }));
    }

    /// <summary>
    /// <c>compose up -d --no-deps</c> of <paramref name="services"/>; returns this machine's time just before, from which
    /// on their logs belong to this run.
    /// </summary>
    async Task<DateTimeOffset> ComposeUpAsync(IReadOnlyCollection<string> services, CancellationToken cancellationToken)
    {
        var before = DateTimeOffset.UtcNow;
        await CommandRunner.RunCheckedAsync((await ComposeAsync(cancellationToken)).Up(services),
            LogLine, LogLine, cancellationToken);
        return before;
    }

    /// <summary>
    /// Where a log watch starts: this run's start of the container. The earlier of this machine's time before the
    /// up and the engine's start time, so a clock that differs between them cannot hide this run's first lines.
    /// </summary>
    static DateTimeOffset StartedSince(DateTimeOffset beforeUp, ServiceContainer container) =>
        container.StartedAt is { } started && new DateTimeOffset(DateTime.SpecifyKind(started, DateTimeKind.Utc)) < beforeUp
            ? new DateTimeOffset(DateTime.SpecifyKind(started, DateTimeKind.Utc))
            : beforeUp;

    static async Task<ServiceContainer> NewestContainerAsync(DeploymentContainers containers, string service, CancellationToken cancellationToken) =>
        (await containers.OfServiceAsync(service, cancellationToken)).OrderByDescending(c => c.StartedAt).FirstOrDefault()
        ?? throw new InvalidOperationException($"compose reported {service} started, but project {containers.Project} has no {service} container.");

    DockerClient? _docker;
    ComposeCli? _compose;

    /// <summary>The Docker engine, connected once per run (and checked to answer).</summary>
    async Task<DockerClient> DockerAsync(CancellationToken cancellationToken) =>
        _docker ??= await DeploymentContainers.ConnectAsync(cancellationToken);

    /// <summary>This deployment's containers: its project's, and only those created from its compose file.</summary>
    async Task<DeploymentContainers> ContainersAsync(CancellationToken cancellationToken) =>
        new(await DockerAsync(cancellationToken), Deployment.Project.Name, Deployment.ComposeFile);

    /// <summary>The compose CLI (v2, else v1) for this deployment, found once per run; it refuses the protected services.</summary>
    async Task<ComposeCli> ComposeAsync(CancellationToken cancellationToken) =>
        _compose ??= new ComposeCli(await ComposeCli.DetectAsync(cancellationToken), ComposeFilePath,
            Deployment.Project.Name,
            EnvFilePath, new ProtectedServiceGuard(ProtectedServices));
}
