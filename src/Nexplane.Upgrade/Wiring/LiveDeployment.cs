using Nexplane.Upgrade.Steps.StartBackend;
using Nexplane.Upgrade.Steps.VerifyMigrations;
using Nexplane.Upgrade.Steps.Frontend;
using Nexplane.Upgrade.Steps.Pull;
using Nexplane.Upgrade.Steps.Rehearse;
using Nexplane.Upgrade.Deployments;
using Docker.DotNet;
using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Processes;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Steps.Agents;
using Nexplane.Upgrade.Steps.Rollback;
using Nexplane.Upgrade.Steps.Stop;
using Nexplane.Upgrade.Operator;

namespace Nexplane.Upgrade.Wiring;

/// <summary>
/// The deployment as a run acts on it: its Docker engine and compose project, its database, its API and its agent
/// hosts, one operation each. The run decides which and when, and hands each operation what it needs: the deployment
/// never reads or writes the run. The engine and compose clients are connected once per run.
/// </summary>
public sealed partial class LiveDeployment(Deployment deployment, LiveDeploymentSettings settings, IRunOutput output, OperatorAdvice advice,
    HttpClient http, ICommandRunner commands)
    : IRollbackDeployment, IBackendStart, IStopOnTheWay, IMigratedDatabase, IAgentHosts, IImagePull, IFrontendUpgrade, IRehearsalDeployment
{
    IDockerClient? _docker;
    ComposeCli? _compose;

    public Deployment Deployment => deployment;

    public LiveDeploymentSettings Settings => settings;

    StepTimeouts Timeouts => settings.Timeouts;

    void Line(string line) => output.Line(line);

    /// <summary>The run's advice: how messages name flags and commands.</summary>
    OperatorAdvice Advice => advice;

    /// <summary>The Docker engine, connected once per run (and checked to answer).</summary>
    public async Task<IDockerClient> DockerAsync(CancellationToken cancellationToken) =>
        _docker ??= await DeploymentContainers.ConnectAsync(cancellationToken);

    /// <summary>This deployment's containers: its project's, and only those created from its compose file.</summary>
    public async Task<DeploymentContainers> ContainersAsync(CancellationToken cancellationToken) =>
        new(await DockerAsync(cancellationToken), deployment.Project.Name, deployment.ComposeFile);

    /// <summary>
    /// The compose CLI for this deployment, chosen once per run (<see cref="ComposeSelection"/>: v2, unless v1 created its
    /// containers and is installed) and said; it refuses the protected services.
    /// </summary>
    public async Task<ComposeCli> ComposeAsync(CancellationToken cancellationToken)
    {
        if (_compose is not null)
            return _compose;
        // The backend's: the service every upgrade and rollback recreates.
        var createdBy = await (await ContainersAsync(cancellationToken)).CreatedByComposeVersionAsync(deployment.BackendService, cancellationToken);
        var choice = await ComposeCli.ChooseAsync(commands, settings.ComposeCommand, createdBy, Advice.Flag(Setting.ComposeCommand), cancellationToken);
        Line($"Compose: {choice.Reason}");
        return _compose = new ComposeCli(choice.Variant, deployment.ComposeFile, deployment.Project.Name, deployment.EnvFile,
            new ProtectedServiceGuard(deployment.ProtectedServices, Advice));
    }

    async Task<IReadOnlyList<StoppedContainer>> IAppStop.StopAsync(IReadOnlyCollection<string> services, CancellationToken cancellationToken) =>
        await StopGracefullyAsync(services, cancellationToken);

    /// <summary>A stop's backend on the way is stopped as Stop stops the app.</summary>
    async Task<IReadOnlyList<StoppedContainer>> IStopOnTheWay.StopAsync(IReadOnlyCollection<string> services, CancellationToken cancellationToken) =>
        await StopGracefullyAsync(services, cancellationToken);

    async Task<IReadOnlyList<StoppedContainer>> StopGracefullyAsync(IReadOnlyCollection<string> services, CancellationToken cancellationToken) =>
        await new GracefulServiceStopper(await DockerAsync(cancellationToken), await ContainersAsync(cancellationToken),
            new ProtectedServiceGuard(deployment.ProtectedServices, Advice), Line).StopAsync(services, Timeouts.Stop, cancellationToken);

    /// <summary>
    /// Pins each service's new tag where the deployment keeps it. <paramref name="beforeWrite"/> (the journal) keeps the
    /// copy a rollback restores (it survives a killed run); the pinner's copy beside the file is for the operator.
    /// </summary>
    void IBackendStart.PinTags(IReadOnlyList<(string Service, string Tag)> pins, Action<string, string>? beforeWrite) => PinTags(pins, beforeWrite);

    /// <summary>
    /// The rollback's pin of the previous tags into a file edited since the upgrade: not one of the upgrade's writes, so
    /// a retried rollback never takes the edited file for the upgrade's and overwrites it with the old copy.
    /// </summary>
    void IRollbackDeployment.PinTags(IReadOnlyList<(string Service, string Tag)> pins) => PinTags(pins, beforeWrite: null);

    void PinTags(IReadOnlyList<(string Service, string Tag)> pins, Action<string, string>? beforeWrite)
    {
        var pinned = new TagPinner(deployment.ComposeFile, deployment.EnvFile, settings.RunId, Advice, beforeWrite).Pin(pins);
        foreach (var file in pinned)
            foreach (var tag in file.Tags)
                output.Information("{Service}: pinned {Pinned} ({Location} of {File}, was {Previous}; copy kept as {Copy})",
                    tag.Service, tag.Pinned, tag.Location, file.Path, tag.Previous, file.PreviousCopy);
    }

    /// <summary>
    /// <c>compose up -d --no-deps</c> of <paramref name="services"/>; returns this machine's time just before, from which
    /// on their logs belong to this run.
    /// </summary>
    public async Task<DateTimeOffset> StartAsync(IReadOnlyCollection<string> services, CancellationToken cancellationToken)
    {
        var before = DateTimeOffset.UtcNow;
        await commands.RunCheckedAsync((await ComposeAsync(cancellationToken)).Up(services), Line, Line, cancellationToken);
        return before;
    }

    async Task<MigrationOutcome> IBackendStart.WatchMigrationsAsync(string outputFile, DateTimeOffset startedSince, CancellationToken cancellationToken)
    {
        var backend = await NewestContainerAsync(deployment.BackendService, cancellationToken)
            ?? throw new InvalidOperationException($"compose reported {deployment.BackendService} started, but project {deployment.Project.Name} has no {deployment.BackendService} container.");
        return await WatchBackendAsync(backend, Timeouts.Migration, outputFile, startedSince, cancellationToken);
    }

    async Task IRollbackDeployment.WatchBackendStartAsync(string outputFile, DateTimeOffset startedSince, CancellationToken cancellationToken)
    {
        if (await NewestContainerAsync(deployment.BackendService, cancellationToken) is { } backend)
            await WatchBackendAsync(backend, Timeouts.Health, outputFile, startedSince, cancellationToken);
    }

    async Task<MigrationOutcome> WatchBackendAsync(ServiceContainer backend, TimeSpan timeout, string outputFile, DateTimeOffset startedSince,
        CancellationToken cancellationToken) =>
        await new MigrationLogWatcher(await DockerAsync(cancellationToken), Line, Advice, settings.Secrets.Redact, output.Progress)
            .WatchAsync(backend.Id, timeout, outputFile, StartedSince(startedSince, backend), cancellationToken);

    /// <summary>Returns when the backend's health endpoint first answered.</summary>
    public Task<DateTimeOffset> WaitUntilHealthyAsync(CancellationToken cancellationToken) =>
        new HealthWaiter(http).WaitAsync(deployment.HealthUrl, Timeouts.Health, Advice.Flag(Setting.HealthTimeout), cancellationToken);

    Task IRollbackDeployment.WaitUntilHealthyAsync(CancellationToken cancellationToken) => WaitUntilHealthyAsync(cancellationToken);

    /// <summary>Each service keeps running, without a restart, through the stability window.</summary>
    public async Task ConfirmStableAsync(IReadOnlyCollection<string> services, CancellationToken cancellationToken)
    {
        var stability = new ContainerStability(await DockerAsync(cancellationToken));
        await Task.WhenAll(services.Select(async service =>
        {
            var container = await NewestContainerAsync(service, cancellationToken)
                ?? throw new InvalidOperationException($"compose reported {service} started, but project {deployment.Project.Name} has no {service} container.");
            await stability.ConfirmStableAsync(service, container.Id, 0, Timeouts.StabilityWindow, cancellationToken);
        }));
    }

    /// <summary>
    /// Where a log watch starts: this run's start of the container. The earlier of this machine's time before the
    /// up and the engine's start time, so a clock that differs between them cannot hide this run's first lines.
    /// </summary>
    static DateTimeOffset StartedSince(DateTimeOffset beforeUp, ServiceContainer container) =>
        container.StartedAt is { } started && new DateTimeOffset(DateTime.SpecifyKind(started, DateTimeKind.Utc)) < beforeUp
            ? new DateTimeOffset(DateTime.SpecifyKind(started, DateTimeKind.Utc))
            : beforeUp;

    async Task<ServiceContainer?> NewestContainerAsync(string service, CancellationToken cancellationToken) =>
        (await (await ContainersAsync(cancellationToken)).OfServiceAsync(service, cancellationToken))
        .OrderByDescending(c => c.StartedAt).FirstOrDefault();

    /// <summary>Pulls every new image while the old version still serves; returns what each tag resolved to.</summary>
    public async Task<IReadOnlyList<PulledImage>> PullAsync(IReadOnlyList<(string Service, ImageReference Image)> images, CancellationToken cancellationToken)
    {
        var pulled = await new ImagePuller(await DockerAsync(cancellationToken), RegistryCredentials.FromEnvironment(commands), Line, output.Progress)
            .PullAllAsync(images, cancellationToken);
        // Finding the compose CLI costs a process start or two: pay it now, not while the app is down.
        await ComposeAsync(cancellationToken);
        return pulled;
    }

    /// <summary>Recreates the frontend alone and judges its image, its page and any version it states.</summary>
    public async Task<FrontendVerdict> UpgradeFrontendAsync(FrontendMove move, CancellationToken cancellationToken)
    {
        // The frontend's address was checked while resolving the deployment, before anything changed.
        var expectation = new FrontendExpectation(deployment.FrontendUrl!, move.Target, move.Image, deployment.FrontendVersionEndpoint,
            Timeouts.Health, Timeouts.StabilityWindow);
        PinTags([move.Pin], move.BeforeFileWrite);
        // --no-deps: the frontend depends_on the backend, and a plain up would recreate the backend too.
        await StartAsync([deployment.FrontendService], cancellationToken);
        return await new FrontendVerifier(http, new DockerRunningImages(await DockerAsync(cancellationToken), await ContainersAsync(cancellationToken)), Line, Advice)
            .VerifyAsync(expectation, cancellationToken);
    }
}
