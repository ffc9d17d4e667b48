using Nexplane.Upgrade.Steps.VerifyMigrations;
using Docker.DotNet;
using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Deployments;
using Npgsql;
using Nexplane.Upgrade.Processes;
using Nexplane.Upgrade.Progress;
using Nexplane.Upgrade.Steps.Frontend;
using Nexplane.Upgrade.Steps.Rehearse;
using Nexplane.Upgrade.Steps.StartBackend;
using Nexplane.Upgrade.Steps.Stop;
using Nexplane.Upgrade.Steps.Verify;
using Nexplane.Upgrade.Operator;
using Nexplane.Upgrade.Time;

namespace Nexplane.Upgrade.Rehearsals;

/// <summary>
/// The upgrade, run against a throwaway copy of the deployment: a database server from the db service's own image,
/// loaded from a verified backup; the target version's backend with the deployment's environment as compose computes
/// it; then the runbook's own steps from Stop to Verify (<see cref="RehearsalCopy"/> is the copy as they act on it).
/// The deployment itself is only read (its compose file, through <c>compose config</c>). Everything created is
/// removed before this returns, however it ends.
/// </summary>
public sealed class Rehearsal(IDockerClient docker, HttpClient http, ICommandRunner commands, IRunOutput output, SecretMask secrets,
    OperatorAdvice advice, Clock? clock = null)
{
    readonly Clock _clock = clock ?? Clock.System;

    void Log(string line) => output.Line(line);

    void Warn(string line) => output.Warning("{Warning}", line);

    public async Task<RehearsalReport> RunAsync(RehearsalSettings settings, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var report = new RehearsalReport
        {
            Id = settings.Id, ComposeFile = settings.ComposeFile, FromVersion = settings.From.ToString(), ToVersion = settings.Target.ToString(),
            Stops = settings.Stops.Select(stop => stop.Version.ToString()).ToArray(), StartedAt = started, BackupFile = settings.Archive,
        };
        await ThrowawayCopy.RemoveLeftoversAsync(docker, settings.ComposeFile, Log);
        RemoveLeftoverProjectDirectories(settings.StateDirectory);
        var copy = new ThrowawayCopy(docker, settings.Id, settings.ComposeFile, Log);
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
        var puller = new ImagePuller(docker, RegistryCredentials.FromEnvironment(commands), Log, output.Progress);
        var pulled = await puller.PullAllAsync(images, cancellationToken);
        var pinned = pulled.ToDictionary(image => image.Service, image => image.Pinned);
        // The backend's image at each stop on the way, as the upgrade's Pull fetches it.
        foreach (var stop in settings.Stops)
            await puller.PullAllAsync([(settings.BackendService, stop.BackendImage)], cancellationToken);
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
                Log($"{service.Name} is on the host's network: in the copy it shares one network namespace with the copied {settings.DatabaseService}, " +
                    $"and listens on all of that namespace's addresses ({string.Join(", ", variables)} = 0.0.0.0 instead of loopback) so this machine can reach it");

        // The copy: its own network, the database server loaded from the backup, the services beside it.
        await copy.CreateNetworkAsync(cancellationToken);
        Log($"Throwaway copy: network {copy.NetworkName} (internal, no published port)");
        var databaseContainer = containers.First(c => c.Role == CopyRole.Database);
        var databaseId = await copy.StartAsync(databaseContainer, cancellationToken);
        foreach (var supporting in containers.Where(c => c.Role == CopyRole.Supporting))
        {
            await copy.StartAsync(supporting, cancellationToken);
            Log($"Throwaway copy: {supporting.Service} from {supporting.Image} (empty)");
        }
        var copyDatabase = settings.Database with { Host = await copy.AddressOfAsync(databaseId, cancellationToken), Port = settings.DatabasePortInCopy };
        // A new server first initialises its cluster: on a busy machine that outlasts --health-timeout, so it gets the migrations' limit.
        await WaitForDatabaseAsync(copyDatabase, databaseId, settings.MigrationTimeout, cancellationToken);
        Log($"Throwaway copy: {settings.DatabaseService} from {databaseContainer.Image} at {copyDatabase.Host}:{copyDatabase.Port}; loading {Path.GetFileName(settings.Archive)}");
        var restored = await new RestoreService(new ContainerExec(docker), commands, Log, Warn, advice, output.Progress)
            .RestoreAsync(new RestoreRequest(copyDatabase, settings.Archive, BackupMode.Auto, databaseId, Math.Max(settings.RestoreJobs, 1))
                { Destination = RestoreDestination.ThrowawayCopy }, cancellationToken);
        Log($"Throwaway copy: loaded in {restored.Seconds:0.0} s");

        // The running version first, on the copy, through compose as the deployment runs it: the real upgrade's
        // downtime starts with its stop, so the copy stops it the same way.
        var apps = new CopyComposeProject(settings.ComposeVariant, copy.NetworkName, CopyProjectDirectory(settings),
            containers.Where(c => c.Role is CopyRole.Backend or CopyRole.Companion).ToArray(), commands, advice);
        var target = new RehearsalCopy(docker, http, new CopyLayout(settings, copy, apps, databaseId, copyDatabase,
                CopyPlan.ListeningPort(Find(settings, settings.BackendService), settings.ApiUrl), containers.FirstOrDefault(c => c.Role == CopyRole.Frontend)),
            Log, advice, secrets, output.Progress, _clock);
        if (await target.StartRunningVersionAsync(cancellationToken) is { } notStarted)
        {
            if (notStarted.OutputFile is { } outputFile)
                output.Error("The running version's full output on the copy is saved in {OutputFile}", outputFile);
            return Failed(report, "Copy", $"The running version {settings.From} does not start on the copy, so the copy cannot judge the upgrade: {notStarted.Reason}")
                with { FailureOutputFile = notStarted.OutputFile };
        }
        Log($"Throwaway copy: {string.Join(", ", apps.Services)} on the running version {settings.From} (compose project {apps.ProjectName}); stopping them as Stop does");
        return await RunTheStepsAsync(settings, target, apps, pinned, report, cancellationToken);
    }

    /// <summary>
    /// The runbook's steps from Stop to Verify, the same step classes the upgrade runs, acting on the copy. The copy
    /// has no backup of its own to measure a write window against and keeps no journal (no transaction horizon); a
    /// failed start ends the rehearsal, where the upgrade would roll back; Frontend and Verify are both judged, so one
    /// rehearsal tells all that is wrong.
    /// </summary>
    async Task<RehearsalReport> RunTheStepsAsync(RehearsalSettings settings, RehearsalCopy copy, CopyComposeProject apps,
        IReadOnlyDictionary<string, string> pinned, RehearsalReport report, CancellationToken cancellationToken)
    {
        var steps = new CopyStepOutput(output);
        var stop = await new StopStep(steps, _clock).RunAsync(new StopInput(apps.Services,
            // No backup of the copy's own is taken before its stop: it has no write window to report or avoid.
            new StopSettings(settings.BackendService, settings.StopTimeout, advice.Flag(Setting.StopTimeout), AvoidingTheWriteWindow: "none on a copy"),
            Backup: null, RecordHorizon: false), copy, cancellationToken);
        var stopEnded = _clock.UtcNow;
        var startBackend = new StartBackendStep(steps);
        var afterAFailure = new AfterAFailedStart("the rehearsal ends here: the throwaway copy is removed, and the deployment was not touched",
            "The rehearsal ended here; the deployment was not touched.", "rehearse again");

        // A path through stops: the copy passes each as the upgrade does (the backend alone on the stop's image, its
        // migrations, its checks, then stopped), and the time they take is part of the downtime.
        var migrations = new List<RehearsedMigration>();
        string? stopHead = null;
        foreach (var stopOnTheWay in settings.Stops)
        {
            var version = stopOnTheWay.Version;
            Log($"Throwaway copy: hop to the stop {version}");
            var input = new StartBackendInput([settings.BackendService], [(settings.BackendService, stopOnTheWay.BackendImage.Tag ?? "latest")],
                Path.Combine(settings.StateDirectory, $"migration-output-{settings.Id}-{version}.log"), stop.DowntimeStartedAt) { AfterAFailure = afterAFailure };
            try
            {
                var passed = await new StopOnTheWay(steps).PassAsync(version, input, startBackend, copy, copy,
                    outcome => migrations.AddRange(outcome.Migrations.Select(m => new RehearsedMigration(m.From, m.To, m.Description, m.Duration?.TotalSeconds))),
                    cancellationToken);
                if (passed.Migrations is BackendDidNotStart failed)
                    return Failed(report with { Migrations = migrations }, $"StartBackend (stop {version})", failed.Failure.Message)
                        with { FailureOutputFile = failed.Failure.OutputFile };
                stopHead = passed.Head ?? stopHead;
            }
            catch (CommandFailedException exception)
            {
                return Failed(report with { Migrations = migrations }, $"StartBackend (stop {version})", secrets.Redact(exception.Message));
            }
            catch (Exception exception) when (exception is HealthTimeoutException or MigrationVerificationException or VerificationFailedException)
            {
                return Failed(report with { Migrations = migrations }, $"StartBackend (stop {version})", exception.Message);
            }
        }
        var stopsPassed = _clock.UtcNow;

        // StartBackend: compose recreates the services with the new images, and the backend's migrations are watched.
        var start = new StartBackendInput(apps.Services,
            apps.Containers.Select(c => (c.Service, ImageReference.Parse(c.Image).Tag ?? "latest")).ToArray(),
            Path.Combine(settings.StateDirectory, $"migration-output-{settings.Id}.log"), stop.DowntimeStartedAt)
        {
            AfterAFailure = afterAFailure,
        };
        MigrationOutcome outcome;
        try
        {
            switch (await startBackend.MigrateAsync(start, copy, cancellationToken))
            {
                case BackendDidNotStart failed:
                    return Failed(report with { Migrations = migrations }, "StartBackend", failed.Failure.Message) with { FailureOutputFile = failed.Failure.OutputFile };
                case MigrationsApplied applied:
                    outcome = applied.Outcome;
                    break;
                default:
                    throw new InvalidOperationException("StartBackend ended neither applied nor failed.");
            }
        }
        catch (CommandFailedException exception)
        {
            return Failed(report, "StartBackend", secrets.Redact(exception.Message));
        }
        report = report with
        {
            Migrations = [.. migrations, .. outcome.Migrations.Select(m => new RehearsedMigration(m.From, m.To, m.Description, m.Duration?.TotalSeconds))],
            MigrationHead = outcome.Head ?? stopHead,
        };
        try
        {
            var healthyAt = await startBackend.WaitUntilHealthyAsync(start, copy, cancellationToken);
            var upEnded = copy.UpEndedAt;
            var prediction = new DowntimePrediction(Seconds(stopEnded - stop.DowntimeStartedAt), Seconds(upEnded - stopsPassed), Seconds(healthyAt - upEnded))
                { StopsOnTheWaySeconds = Seconds(stopsPassed - stopEnded) };
            report = report with { PredictedDowntime = prediction };
            // Every service StartBackend started must stay up through the window, as the real StartBackend checks (a crash-looping worker too).
            await startBackend.ConfirmStableAsync(start, outcome, copy, cancellationToken);
        }
        catch (Exception exception) when (exception is HealthTimeoutException or ContainerUnstableException)
        {
            return Failed(report, "StartBackend", exception.Message);
        }

        try
        {
            // With nothing pending at the target, the head is the last stop's, as the upgrade's VerifyMigrations takes it.
            await new VerifyMigrationsStep(steps).RunAsync(new MigrationExpectation(outcome.Head ?? stopHead, settings.RevisionsBefore, settings.AnnouncesMigrations),
                copy, cancellationToken);
        }
        catch (MigrationVerificationException exception)
        {
            return Failed(report, "VerifyMigrations", exception.Message);
        }

        var failures = new List<(string Step, string Reason)>();
        if (settings.FrontendService is { } frontend && settings.FrontendUrl is not null && pinned.GetValueOrDefault(frontend) is { } frontendImage)
        {
            var image = ImageReference.Parse(frontendImage);
            try
            {
                await new FrontendStep(steps).RunAsync(new FrontendMove(new ExpectedImage(frontend, image, "the rehearsal's pull"),
                    (frontend, image.Tag ?? "latest"), settings.Target), copy, cancellationToken);
            }
            catch (Exception exception) when (exception is FrontendVerificationException or ContainerUnstableException or HealthTimeoutException)
            {
                failures.Add(("Frontend", exception.Message));
                Log($"[FAILED] frontend: {exception.Message}");
            }
        }
        IReadOnlyList<VerificationGate> gates;
        try
        {
            gates = await new VerifyStep(steps).RunAsync(new VerifyInput(settings.Target, "A rehearsal moves no agent."), copy, copy, cancellationToken);
        }
        catch (VerificationFailedException failed)
        {
            gates = failed.Gates;
            failures.Add(("Verify", string.Join("; ", gates.Where(g => !g.Passed).Select(g => g.ToString()))));
        }
        report = report with { Gates = gates.Select(g => g.ToString()).ToArray() };
        return failures.Count == 0
            ? report with { Passed = true }
            : Failed(report, failures[0].Step, string.Join(" | ", failures.Select(f => $"{f.Step}: {f.Reason}")));
    }

    static RehearsalReport Failed(RehearsalReport report, string step, string reason) =>
        report with { Passed = false, FailedStep = step, Reason = reason };

    static ResolvedService Find(RehearsalSettings settings, string service) => settings.Services.First(s => s.Name == service);

    static double Seconds(TimeSpan span) => Math.Round(Math.Max(span.TotalSeconds, 0), 3);

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
