using Docker.DotNet;
using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Deployments;
using Nexplane.Upgrade.Operator;
using Nexplane.Upgrade.Processes;
using Nexplane.Upgrade.Progress;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Steps.Frontend;
using Nexplane.Upgrade.Steps.StartBackend;
using Nexplane.Upgrade.Steps.Stop;
using Nexplane.Upgrade.Steps.Verify;
using Nexplane.Upgrade.Steps.VerifyMigrations;
using Nexplane.Upgrade.Time;

namespace Nexplane.Upgrade.Rehearsals;

/// <summary>What the copy is, once its database is loaded: the containers, the compose project of its app, and its limits.</summary>
/// <param name="DatabaseId">The copy's database container, whose namespace a host-network service shares.</param>
/// <param name="Database">The copy's database as a client reaches it (its container's address).</param>
/// <param name="BackendPort">The port the backend listens on inside its container.</param>
/// <param name="Frontend">The frontend's container, started by the Frontend step; null when the deployment has none to check.</param>
public sealed record CopyLayout(
    RehearsalSettings Settings,
    ThrowawayCopy Copy,
    CopyComposeProject Apps,
    string DatabaseId,
    DatabaseTarget Database,
    int BackendPort,
    CopyContainer? Frontend);

/// <summary>
/// The throwaway copy as the runbook's steps act on it: the same interfaces the live deployment implements for Stop,
/// StartBackend, VerifyMigrations, Frontend and Verify, so a rehearsal runs those steps themselves, not a copy of their
/// sequence. Only what a copy cannot have differs: no file keeps its tags (its compose project names the images), and
/// its addresses are its containers'. The protected services are the copy's database and its supporting services.
/// </summary>
public sealed class RehearsalCopy(IDockerClient docker, HttpClient http, CopyLayout layout, Action<string> log, OperatorAdvice advice,
    SecretMask secrets, IProgressDisplay? display, Clock clock)
    : IAppStop, IBackendStart, IStopOnTheWay, IMigratedDatabase, IFrontendUpgrade, IDeploymentVerification, IControlPlane
{
    RehearsalSettings Settings => layout.Settings;

    /// <summary>Only containers created from the copy's own compose file: never the deployment's, never a protected one.</summary>
    readonly DeploymentContainers _containers = new(docker, layout.Apps.ProjectName, layout.Apps.File);

    bool _runsRehearsedImages;
    string? _backendId;

    /// <summary>When the last <c>compose up</c> of the app returned: the rehearsal's prediction splits the downtime there.</summary>
    public DateTimeOffset UpEndedAt => _upEndedAt ?? throw new InvalidOperationException("The copy's app has not been started.");

    DateTimeOffset? _upEndedAt;

    string BackendId => _backendId ?? throw new InvalidOperationException("The copy's backend has not been started.");

    /// <summary>
    /// The copy's backend API. Asked only once its start was watched: the engine takes a stopped container's address
    /// away, so a backend that crashed at once is told by its log, not by a missing address.
    /// </summary>
    async Task<Uri> ApiUrlAsync(CancellationToken cancellationToken) =>
        new($"http://{await layout.Copy.AddressOfAsync(BackendId, cancellationToken)}:{layout.BackendPort}/");

    /// <summary>
    /// The backend and its companions on the running version, until the backend started (its log) and answers
    /// <c>/health</c>: the copy then stands where the deployment stands before Stop. Null when it did, else why not
    /// (and the file with its log).
    /// </summary>
    public async Task<(string Reason, string? OutputFile)?> StartRunningVersionAsync(CancellationToken cancellationToken)
    {
        _runsRehearsedImages = false;
        try
        {
            await UpAsync(layout.Apps.Services, cancellationToken);
        }
        catch (CommandFailedException exception)
        {
            return (secrets.Redact(exception.Message), null);
        }
        try
        {
            // The same watch as StartBackend's, so a running version that crashes on the copy is told at once.
            await Watcher().WatchAsync(BackendId, Settings.HealthTimeout,
                Path.Combine(Settings.StateDirectory, $"running-version-output-{Settings.Id}.log"), null, cancellationToken);
            await WaitUntilHealthyAsync(cancellationToken);
            return null;
        }
        catch (MigrationFailedException failure)
        {
            return (failure.Message, failure.OutputFile);
        }
        catch (HealthTimeoutException exception)
        {
            return (exception.Message, null);
        }
    }

    public async Task<IReadOnlyList<StoppedContainer>> StopAsync(IReadOnlyCollection<string> services, CancellationToken cancellationToken) =>
        await new GracefulServiceStopper(docker, _containers, new ProtectedServiceGuard([Settings.DatabaseService, .. Settings.SupportingServices], advice), log)
            .StopAsync(services, Settings.StopTimeout, cancellationToken);

    public async Task<IReadOnlyDictionary<string, long>> CaptureWriteCountersAsync(CancellationToken cancellationToken) =>
        await new WriteActivity(Inspector()).CaptureAsync(cancellationToken);

    public Task<TransactionHorizon> RecordTransactionHorizonAsync(CancellationToken cancellationToken) =>
        new TransactionHorizonProbe(Inspector()).RecordAsync(cancellationToken);

    public Task<HorizonCheck> CheckSinceHorizonAsync(TransactionHorizon horizon, CancellationToken cancellationToken) =>
        new TransactionHorizonProbe(Inspector()).CheckSinceAsync(horizon, cancellationToken);

    /// <summary>
    /// No file keeps the copy's tags: its compose project names each service's image, laid out with the rehearsed
    /// version's (the pins are those tags). Pinning switches the project to them, for the next <c>up</c> to recreate
    /// the containers from; a pin to another tag (a stop on the way) runs that service on its image at that tag, pulled
    /// by the rehearsal. No deployment file is written.
    /// </summary>
    public void PinTags(IReadOnlyList<(string Service, string Tag)> pins, Action<string, string>? beforeWrite)
    {
        foreach (var (service, tag) in pins)
        {
            var rehearsed = ImageReference.Parse(layout.Apps.Containers.First(c => c.Service == service).Image);
            layout.Apps.RunImage(service, rehearsed.Tag == tag ? null : rehearsed.WithTag(tag).ToString());
        }
        _runsRehearsedImages = true;
    }

    public async Task<DateTimeOffset> StartAsync(IReadOnlyCollection<string> services, CancellationToken cancellationToken)
    {
        var before = clock.UtcNow;
        await UpAsync(services, cancellationToken);
        log($"Throwaway copy: {string.Join(", ", services)} recreated on {Settings.Target}");
        return before;
    }

    /// <summary><c>compose up</c> of <paramref name="services"/> on the images the copy's project names now.</summary>
    async Task UpAsync(IReadOnlyCollection<string> services, CancellationToken cancellationToken)
    {
        await layout.Apps.UpAsync(_runsRehearsedImages, layout.DatabaseId, log, cancellationToken, services);
        _upEndedAt = clock.UtcNow;
        _backendId = await NewestAsync(Settings.BackendService, cancellationToken);
    }

    /// <summary>The new backend's container is created by the up, so all of its log is this run's.</summary>
    public Task<MigrationOutcome> WatchMigrationsAsync(string outputFile, DateTimeOffset startedSince, CancellationToken cancellationToken) =>
        Watcher().WatchAsync(BackendId, Settings.MigrationTimeout, outputFile, null, cancellationToken);

    MigrationLogWatcher Watcher() => new(docker, log, advice, secrets.Redact, display, clock);

    public async Task<DateTimeOffset> WaitUntilHealthyAsync(CancellationToken cancellationToken) =>
        await new HealthWaiter(http, clock).WaitAsync(new Uri(await ApiUrlAsync(cancellationToken), "health"), Settings.HealthTimeout,
            advice.Flag(Setting.HealthTimeout), cancellationToken);

    public async Task ConfirmStableAsync(IReadOnlyCollection<string> services, CancellationToken cancellationToken)
    {
        var stability = new ContainerStability(docker, clock);
        await Task.WhenAll(services.Select(async service =>
            await stability.ConfirmStableAsync(service, await NewestAsync(service, cancellationToken), 0, Settings.StabilityWindow, cancellationToken)));
    }

    public Task<(IReadOnlyList<string> Revisions, string Database)> AlembicRevisionsAsync(CancellationToken cancellationToken) =>
        new InspectedDatabase(Inspector()).AlembicRevisionsAsync(cancellationToken);

    /// <summary>
    /// The copy's frontend is not part of its compose project: it is started here from the image the move names. The
    /// running-image check of the real step has no compose container to look at, so the page and any stated version judge it.
    /// </summary>
    public async Task<FrontendVerdict> UpgradeFrontendAsync(FrontendMove move, CancellationToken cancellationToken)
    {
        var frontend = (layout.Frontend ?? throw new InvalidOperationException("The copy has no frontend to start."))
            with { Image = move.Image.Reference.ToString() };
        var frontendId = await layout.Copy.StartAsync(frontend, cancellationToken);
        log($"Throwaway copy: {frontend.Service} from {frontend.Image}");
        var port = CopyPlan.ListeningPort(Settings.Services.First(s => s.Name == frontend.Service), Settings.FrontendUrl!);
        var url = new Uri($"http://{await layout.Copy.AddressOfAsync(frontendId, cancellationToken)}:{port}/");
        var verdict = await new FrontendVerifier(http, null, log, advice, clock).VerifyAsync(
            new FrontendExpectation(url, move.Target, null, Settings.FrontendVersionEndpoint, Settings.HealthTimeout, Settings.StabilityWindow),
            cancellationToken);
        await new ContainerStability(docker, clock).ConfirmStableAsync(frontend.Service, frontendId, 0, TimeSpan.Zero, cancellationToken);
        return verdict;
    }

    public async Task<IReadOnlyList<VerificationGate>> VerifyAsync(NexplaneVersion version, CancellationToken cancellationToken) =>
        await new DeploymentVerifier(http, advice).VerifyAsync(await ApiUrlAsync(cancellationToken), Settings.VersionEndpoints, version,
            Settings.LoginEmail, Settings.LoginPassword, cancellationToken);

    /// <summary>The copy runs with the deployment's secrets, so a token it issues is masked like the deployment's own.</summary>
    public async Task<(VerificationGate Gate, string? Token)> LogInAsync(CancellationToken cancellationToken)
    {
        var (login, token) = await new DeploymentVerifier(http, advice).LoginGateAsync(await ApiUrlAsync(cancellationToken), Settings.LoginEmail,
            Settings.LoginPassword, cancellationToken);
        if (token is not null)
            secrets.Register(token);
        return (login, token);
    }

    public async Task<IReadOnlyList<RegisteredAgent>> RegisteredAgentsAsync(string token, CancellationToken cancellationToken) =>
        await new AgentInventory(http).ListAsync(await ApiUrlAsync(cancellationToken), token, cancellationToken);

    DatabaseInspector Inspector() => new(layout.Database, advice);

    /// <summary>The id of the service's newest container in the copy's compose project.</summary>
    async Task<string> NewestAsync(string service, CancellationToken cancellationToken) =>
        (await _containers.OfServiceAsync(service, cancellationToken)).OrderByDescending(c => c.StartedAt).FirstOrDefault()?.Id
        ?? throw new RehearsalException($"compose reported {service} started in the copy's project {_containers.Project}, which has no {service} container.");
}
