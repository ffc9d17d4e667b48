using Nexplane.Upgrade.Steps.VerifyMigrations;
using Docker.DotNet;
using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Database;
using Npgsql;
using Nexplane.Upgrade.Processes;
using Nexplane.Upgrade.Progress;
using Nexplane.Upgrade.Steps.Rehearse;
using Nexplane.Upgrade.Operator;
using Nexplane.Upgrade.Time;

namespace Nexplane.Upgrade.Rehearsals;

/// <summary>
/// The upgrade, run against a throwaway copy of the deployment: a database server from the db service's own image,
/// loaded from a verified backup; the target version's backend with the deployment's environment as compose computes
/// it; then StartBackend's watch, VerifyMigrations, the frontend's checks and Verify's gates, each against the copy.
/// The deployment itself is only read (its compose file, through <c>compose config</c>). Everything created is
/// removed before this returns, however it ends.
/// </summary>
public sealed class Rehearsal(IDockerClient docker, HttpClient http, ICommandRunner commands, Action<string> log, Action<string> warn,
    Func<string, string> redact, OperatorAdvice advice, IProgressDisplay? display = null, Clock? clock = null)
{
    readonly Clock _clock = clock ?? Clock.System;

    public async Task<RehearsalReport> RunAsync(RehearsalSettings settings, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var report = new RehearsalReport
        {
            Id = settings.Id, ComposeFile = settings.ComposeFile, FromVersion = settings.From.ToString(), ToVersion = settings.Target.ToString(),
            StartedAt = started, BackupFile = settings.Archive,
        };
        await ThrowawayCopy.RemoveLeftoversAsync(docker, settings.ComposeFile, log);
        RemoveLeftoverProjectDirectories(settings.StateDirectory);
        var copy = new ThrowawayCopy(docker, settings.Id, settings.ComposeFile, log);
        try
        {
            report = await RehearseAsync(settings, copy, report, cancellationToken);
        }
        finally
        {
            try
            {
                await copy.RemoveAsync();
            }
            finally
            {
                if (Directory.Exists(CopyProjectDirectory(settings)))
                    Directory.Delete(CopyProjectDirectory(settings), recursive: true);
            }
        }
        return report with { FinishedAt = DateTimeOffset.UtcNow };
    }

    /// <summary>Where the copy's compose project keeps its file, beside the rehearsal's state; removed with the copy.</summary>
    static string CopyProjectDirectory(RehearsalSettings settings) => Path.Combine(settings.StateDirectory, $"copy-{settings.Id}");

    /// <summary>
    /// The compose files of rehearsals killed outright (their id ends in their process id, which no longer runs), as
    /// their containers are removed by <see cref="ThrowawayCopy.RemoveLeftoversAsync"/>.
    /// </summary>
    static void RemoveLeftoverProjectDirectories(string stateDirectory)
    {
        if (!Directory.Exists(stateDirectory))
            return;
        foreach (var directory in Directory.GetDirectories(stateDirectory, "copy-*"))
            if (int.TryParse(Path.GetFileName(directory).Split('-')[^1], out var pid) && !ThrowawayCopy.ProcessRuns(pid))
                Directory.Delete(directory, recursive: true);
    }

    async Task<RehearsalReport> RehearseAsync(RehearsalSettings settings, ThrowawayCopy copy, RehearsalReport report, CancellationToken cancellationToken)
    {
        var images = new List<(string Service, ImageReference Image)> { (settings.BackendService, settings.BackendImage) };
        images.AddRange(settings.CompanionImages.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => (pair.Key, pair.Value)));
        if (settings.FrontendService is { } frontendService && settings.FrontendImage is { } frontendImage)
            images.Add((frontendService, frontendImage));
        var pulled = await new ImagePuller(docker, RegistryCredentials.FromEnvironment(commands), log, display).PullAllAsync(images, cancellationToken);
        var pinned = pulled.ToDictionary(image => image.Service, image => image.Pinned);
        report = report with { Images = pinned };

        var containers = CopyPlan.Containers(new CopyRequest(settings.Id, settings.ComposeFile, settings.Services, settings.DatabaseService,
            settings.SupportingServices, settings.BackendService, pinned[settings.BackendService], settings.FrontendService,
            settings.FrontendService is { } frontendName ? pinned.GetValueOrDefault(frontendName) : null, settings.ApiUrl, settings.FrontendUrl)
        {
            CompanionImages = settings.CompanionImages.Keys.ToDictionary(name => name, name => pinned[name]),
            RunningImages = settings.RunningImages,
        });
        foreach (var service in settings.Services.Where(s => containers.Any(c => c.Service == s.Name && c.JoinsDatabaseNamespace)))
            if (CopyPlan.ListenAddressVariables(service) is { Count: > 0 } variables)
                log($"{service.Name} is on the host's network: in the copy it shares one network namespace with the copied {settings.DatabaseService}, " +
                    $"and listens on all of that namespace's addresses ({string.Join(", ", variables)} = 0.0.0.0 instead of loopback) so this machine can reach it");

        // The copy: its own network, the database server loaded from the backup, the services beside it.
        await copy.CreateNetworkAsync(cancellationToken);
        log($"Throwaway copy: network {copy.NetworkName} (internal, no published port)");
        var databaseContainer = containers.First(c => c.Role == CopyRole.Database);
        var databaseId = await copy.StartAsync(databaseContainer, cancellationToken);
        foreach (var supporting in containers.Where(c => c.Role == CopyRole.Supporting))
        {
            await copy.StartAsync(supporting, cancellationToken);
            log($"Throwaway copy: {supporting.Service} from {supporting.Image} (empty)");
        }
        var copyDatabase = settings.Database with { Host = await copy.AddressOfAsync(databaseId, cancellationToken), Port = settings.DatabasePortInCopy };
        // A new server first initialises its cluster: on a busy machine that outlasts --health-timeout, so it gets the migrations' limit.
        await WaitForDatabaseAsync(copyDatabase, databaseId, settings.MigrationTimeout, cancellationToken);
        log($"Throwaway copy: {settings.DatabaseService} from {databaseContainer.Image} at {copyDatabase.Host}:{copyDatabase.Port}; loading {Path.GetFileName(settings.Archive)}");
        var restored = await new RestoreService(new ContainerExec(docker), commands, log, warn, advice, display)
            .RestoreAsync(new RestoreRequest(copyDatabase, settings.Archive, BackupMode.Auto, databaseId, Math.Max(settings.RestoreJobs, 1))
                { Destination = RestoreDestination.ThrowawayCopy }, cancellationToken);
        log($"Throwaway copy: loaded in {restored.Seconds:0.0} s");

        // The running version first, on the copy, through compose as the deployment runs it: the real upgrade's
        // downtime starts with its stop, so the copy stops it the same way.
        var apps = new CopyComposeProject(settings.ComposeVariant, copy.NetworkName, CopyProjectDirectory(settings),
            containers.Where(c => c.Role is CopyRole.Backend or CopyRole.Companion).ToArray(), commands, advice);
        // Only containers created from the copy's own file, and never a protected service, as in the real run.
        var appContainers = new DeploymentContainers(docker, apps.ProjectName, apps.File);
        var backendPort = CopyPlan.ListeningPort(Find(settings, settings.BackendService), settings.ApiUrl);
        if (await StartRunningVersionAsync(settings, copy, apps, appContainers, databaseId, backendPort, cancellationToken) is { } notStarted)
            return Failed(report, "Copy", $"The running version {settings.From} does not start on the copy, so the copy cannot judge the upgrade: {notStarted.Reason}")
                with { FailureOutputFile = notStarted.OutputFile };
        log($"Throwaway copy: {string.Join(", ", apps.Services)} on the running version {settings.From} (compose project {apps.ProjectName}); stopping them as Stop does");
        var stopped = await new GracefulServiceStopper(docker, appContainers, new ProtectedServiceGuard([settings.DatabaseService, .. settings.SupportingServices], advice), log)
            .StopAsync(apps.Services, settings.StopTimeout, cancellationToken);
        var downtimeStarted = stopped.Where(c => c.Service == settings.BackendService).Select(c => c.AppSignalledAt).DefaultIfEmpty(DateTimeOffset.UtcNow).Min();
        var stopEnded = DateTimeOffset.UtcNow;

        // StartBackend, as the upgrade runs and watches it: compose recreates the services with the new images.
        var output = Path.Combine(settings.StateDirectory, $"migration-output-{settings.Id}.log");
        try
        {
            await apps.UpAsync(rehearsedVersion: true, databaseId, log, cancellationToken);
        }
        catch (CommandFailedException exception)
        {
            return Failed(report, "StartBackend", redact(exception.Message));
        }
        var upEnded = DateTimeOffset.UtcNow;
        var backendId = await NewestAsync(appContainers, settings.BackendService, cancellationToken);
        log($"Throwaway copy: {string.Join(", ", apps.Services)} recreated on {settings.Target}");
        MigrationOutcome outcome;
        try
        {
            outcome = await new MigrationLogWatcher(docker, log, advice, redact, display, _clock).WatchAsync(backendId, settings.MigrationTimeout, output, null, cancellationToken);
        }
        catch (MigrationFailedException failure)
        {
            return Failed(report, "StartBackend", failure.Message) with { FailureOutputFile = failure.OutputFile };
        }
        report = report with
        {
            Migrations = outcome.Migrations.Select(m => new RehearsedMigration(m.From, m.To, m.Description, m.Duration?.TotalSeconds)).ToArray(),
            MigrationHead = outcome.Head,
        };
        var apiUrl = new Uri($"http://{await copy.AddressOfAsync(backendId, cancellationToken)}:{backendPort}/");
        try
        {
            var healthyAt = await new HealthWaiter(http).WaitAsync(new Uri(apiUrl, "health"), settings.HealthTimeout, advice.Flag(Setting.HealthTimeout), cancellationToken);
            var prediction = new DowntimePrediction(Seconds(stopEnded - downtimeStarted), Seconds(upEnded - stopEnded), Seconds(healthyAt - upEnded));
            report = report with { PredictedDowntime = prediction };
            log($"The copy's backend answers {apiUrl}health; predicted downtime of the real upgrade: {prediction}");
            // Every service StartBackend started must stay up through the window, as the real StartBackend checks (a crash-looping worker too).
            var stability = new ContainerStability(docker);
            await Task.WhenAll(apps.Services.Select(async service => await stability.ConfirmStableAsync(service,
                service == settings.BackendService ? backendId : await NewestAsync(appContainers, service, cancellationToken), 0, settings.StabilityWindow,
                cancellationToken)));
        }
        catch (Exception exception) when (exception is HealthTimeoutException or ContainerUnstableException)
        {
            return Failed(report, "StartBackend", exception.Message);
        }

        // VerifyMigrations, against the copy's database.
        try
        {
            var expectation = new MigrationExpectation(outcome.Head, settings.RevisionsBefore, settings.AnnouncesMigrations);
            MigrationVerdict.RequireHeadFromLogs(expectation);
            var (revisions, database) = await new InspectedDatabase(new DatabaseInspector(copyDatabase, advice)).AlembicRevisionsAsync(cancellationToken);
            var head = MigrationVerdict.Head(expectation, revisions, database);
            log($"alembic_version of the copy holds the single head {head}, as the backend reported");
        }
        catch (MigrationVerificationException exception)
        {
            return Failed(report, "VerifyMigrations", exception.Message);
        }

        // Frontend and Verify: both judged, so one rehearsal tells all that is wrong.
        var failures = new List<(string Step, string Reason)>();
        if (containers.FirstOrDefault(c => c.Role == CopyRole.Frontend) is { } frontend && settings.FrontendUrl is { } frontendUrl)
        {
            var frontendId = await copy.StartAsync(frontend, cancellationToken);
            log($"Throwaway copy: {frontend.Service} from {frontend.Image}");
            var url = new Uri($"http://{await copy.AddressOfAsync(frontendId, cancellationToken)}:{CopyPlan.ListeningPort(Find(settings, frontend.Service), frontendUrl)}/");
            try
            {
                await new FrontendVerifier(http, null, log, advice).VerifyAsync(
                    new FrontendExpectation(url, settings.Target, null, settings.FrontendVersionEndpoint, settings.HealthTimeout, settings.StabilityWindow), cancellationToken);
                await new ContainerStability(docker).ConfirmStableAsync(frontend.Service, frontendId, 0, TimeSpan.Zero, cancellationToken);
            }
            catch (Exception exception) when (exception is FrontendVerificationException or ContainerUnstableException or HealthTimeoutException)
            {
                failures.Add(("Frontend", exception.Message));
                log($"[FAILED] frontend: {exception.Message}");
            }
        }
        var gates = await new DeploymentVerifier(http, advice).VerifyAsync(apiUrl, settings.VersionEndpoints, settings.Target,
            settings.LoginEmail, settings.LoginPassword, cancellationToken);
        foreach (var gate in gates)
            log(gate.ToString());
        report = report with { Gates = gates.Select(g => g.ToString()).ToArray() };
        if (gates.Where(g => !g.Passed).ToArray() is { Length: > 0 } failed)
            failures.Add(("Verify", string.Join("; ", failed.Select(g => g.ToString()))));
        return failures.Count == 0
            ? report with { Passed = true }
            : Failed(report, failures[0].Step, string.Join(" | ", failures.Select(f => $"{f.Step}: {f.Reason}")));
    }

    static RehearsalReport Failed(RehearsalReport report, string step, string reason) =>
        report with { Passed = false, FailedStep = step, Reason = reason };

    static ResolvedService Find(RehearsalSettings settings, string service) => settings.Services.First(s => s.Name == service);

    /// <summary>
    /// The backend and its companions on the running version, through the copy's compose project, until the backend
    /// started (its log) and answers <c>/health</c>; null when it did, else why not (and the file with its log).
    /// </summary>
    async Task<(string Reason, string? OutputFile)?> StartRunningVersionAsync(RehearsalSettings settings, ThrowawayCopy copy, CopyComposeProject apps,
        DeploymentContainers appContainers, string databaseId, int backendPort, CancellationToken cancellationToken)
    {
        try
        {
            await apps.UpAsync(rehearsedVersion: false, databaseId, log, cancellationToken);
        }
        catch (CommandFailedException exception)
        {
            return (redact(exception.Message), null);
        }
        var backendId = await NewestAsync(appContainers, settings.BackendService, cancellationToken);
        try
        {
            // The same watch as StartBackend's, so a running version that crashes on the copy is told at once.
            await new MigrationLogWatcher(docker, log, advice, redact, display).WatchAsync(backendId, settings.HealthTimeout,
                Path.Combine(settings.StateDirectory, $"running-version-output-{settings.Id}.log"), null, cancellationToken);
            var api = new Uri($"http://{await copy.AddressOfAsync(backendId, cancellationToken)}:{backendPort}/");
            await new HealthWaiter(http).WaitAsync(new Uri(api, "health"), settings.HealthTimeout, advice.Flag(Setting.HealthTimeout), cancellationToken);
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

    static double Seconds(TimeSpan span) => Math.Round(Math.Max(span.TotalSeconds, 0), 3);

    /// <summary>The id of the service's newest container in the copy's compose project.</summary>
    static async Task<string> NewestAsync(DeploymentContainers containers, string service, CancellationToken cancellationToken) =>
        (await containers.OfServiceAsync(service, cancellationToken)).OrderByDescending(c => c.StartedAt).FirstOrDefault()?.Id
        ?? throw new RehearsalException($"compose reported {service} started in the copy's project {containers.Project}, which has no {service} container.");

    /// <summary>Until the copy's server accepts a login; a server that exits (a bad environment) is reported at once.</summary>
    internal async Task WaitForDatabaseAsync(DatabaseTarget database, string containerId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = _clock.UtcNow + timeout;
        var last = "no answer yet";
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(database.ConnectionStringFor(database.Name));
                await connection.OpenAsync(cancellationToken);
                return;
            }
            catch (Exception exception) when (exception is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
            {
                last = exception.Message;
            }
            var inspected = await docker.Containers.InspectContainerAsync(containerId, cancellationToken);
            if (!inspected.State.Running)
                throw new RehearsalException($"The copy's database server exited (code {inspected.State.ExitCode}) before accepting connections.");
            if (_clock.UtcNow >= deadline)
                throw new RehearsalException($"The copy's database server did not accept a login within {timeout.TotalSeconds:0} s ({advice.Flag(Setting.MigrationTimeout)}); last: {last}.");
            await _clock.DelayAsync(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }
}
