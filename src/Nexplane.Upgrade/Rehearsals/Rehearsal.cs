using System.Diagnostics;
using Docker.DotNet;
using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Database;
using Npgsql;
using Nexplane.Upgrade.Progress;

namespace Nexplane.Upgrade.Rehearsals;

/// <summary>
/// The upgrade, run against a throwaway copy of the deployment: a database server from the db service's own image,
/// loaded from a verified backup; the target version's backend with the deployment's environment as compose computes
/// it; then StartBackend's watch, VerifyMigrations, the frontend's checks and Verify's gates, each against the copy.
/// The deployment itself is only read (its compose file, through <c>compose config</c>). Everything created is
/// removed before this returns, however it ends.
/// </summary>
public sealed class Rehearsal(DockerClient docker, HttpClient http, Action<string> log, Action<string> warn, Func<string, string> redact,
    IProgressDisplay? display = null)
{
    /// <param name="measureComposeSeconds">How long the deployment's compose CLI takes to start (a read-only command): part of the real upgrade's downtime the copy does not pay.</param>
    public async Task<RehearsalReport> RunAsync(RehearsalSettings settings, Func<CancellationToken, Task<double>> measureComposeSeconds,
        CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var report = new RehearsalReport
        {
            Id = settings.Id, ComposeFile = settings.ComposeFile, FromVersion = settings.From.ToString(), ToVersion = settings.Target.ToString(),
            StartedAt = started, BackupFile = settings.Archive,
        };
        await ThrowawayCopy.RemoveLeftoversAsync(docker, settings.ComposeFile, log);
        var copy = new ThrowawayCopy(docker, settings.Id, settings.ComposeFile, log);
        try
        {
            report = await RehearseAsync(settings, copy, report, measureComposeSeconds, cancellationToken);
        }
        finally
        {
            await copy.RemoveAsync();
        }
        return report with { FinishedAt = DateTimeOffset.UtcNow };
    }

    async Task<RehearsalReport> RehearseAsync(RehearsalSettings settings, ThrowawayCopy copy, RehearsalReport report,
        Func<CancellationToken, Task<double>> measureComposeSeconds, CancellationToken cancellationToken)
    {
        var images = new List<(string Service, ImageReference Image)> { (settings.BackendService, settings.BackendImage) };
        if (settings.FrontendService is { } frontendService && settings.FrontendImage is { } frontendImage)
            images.Add((frontendService, frontendImage));
        var pulled = await new ImagePuller(docker, RegistryCredentials.FromEnvironment(), log, display).PullAllAsync(images, cancellationToken);
        report = report with { Images = pulled.ToDictionary(image => image.Service, image => image.Pinned) };

        var containers = CopyPlan.Containers(new CopyRequest(settings.Id, settings.ComposeFile, settings.Services, settings.DatabaseService,
            settings.SupportingServices, settings.BackendService, pulled[0].Pinned, settings.FrontendService,
            pulled.Count > 1 ? pulled[1].Pinned : null, settings.ApiUrl, settings.FrontendUrl));
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
        var restored = await new RestoreService(new ContainerExec(docker), log, warn, display)
            .RestoreAsync(new RestoreRequest(copyDatabase, settings.Archive, BackupMode.Auto, databaseId, Math.Max(settings.RestoreJobs, 1)), cancellationToken);
        log($"Throwaway copy: loaded in {restored.Seconds:0.0} s");

        var composeSeconds = await measureComposeSeconds(cancellationToken);

        // StartBackend, as the upgrade watches it.
        var backend = containers.First(c => c.Role == CopyRole.Backend);
        var failureOutput = Path.Combine(settings.StateDirectory, $"migration-output-{settings.Id}.log");
        var startClock = Stopwatch.StartNew();
        var backendId = await copy.StartAsync(backend, cancellationToken);
        log($"Throwaway copy: {backend.Service} from {backend.Image}");
        MigrationOutcome outcome;
        try
        {
            outcome = await new MigrationLogWatcher(docker, log, redact, display).WatchAsync(backendId, settings.MigrationTimeout, failureOutput, null, cancellationToken);
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
        var apiUrl = new Uri($"http://{await copy.AddressOfAsync(backendId, cancellationToken)}:{CopyPlan.ListeningPort(Find(settings, settings.BackendService), settings.ApiUrl)}/");
        try
        {
            await new HealthWaiter(http).WaitAsync(new Uri(apiUrl, "health"), settings.HealthTimeout, Setting.HealthTimeout.Flag(), cancellationToken);
            var prediction = new DowntimePrediction(settings.StopEstimateSeconds, Math.Round(composeSeconds, 3), Math.Round(startClock.Elapsed.TotalSeconds, 3));
            report = report with { PredictedDowntime = prediction };
            log($"The copy's backend answers {apiUrl}health; predicted downtime of the real upgrade: {prediction}");
            await new ContainerStability(docker).ConfirmStableAsync(settings.BackendService, backendId, 0, settings.StabilityWindow, cancellationToken);
        }
        catch (Exception exception) when (exception is HealthTimeoutException or ContainerUnstableException)
        {
            return Failed(report, "StartBackend", exception.Message);
        }

        // VerifyMigrations, against the copy's database.
        try
        {
            var head = await new MigrationVerifier(new DatabaseInspector(copyDatabase)).VerifyAsync(
                new MigrationExpectation(outcome.Head, settings.RevisionsBefore, settings.AnnouncesMigrations), cancellationToken);
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
                await new FrontendVerifier(http, null, log).VerifyAsync(
                    new FrontendExpectation(url, settings.Target, null, settings.FrontendVersionEndpoint, settings.HealthTimeout, settings.StabilityWindow), cancellationToken);
                await new ContainerStability(docker).ConfirmStableAsync(frontend.Service, frontendId, 0, TimeSpan.Zero, cancellationToken);
            }
            catch (Exception exception) when (exception is FrontendVerificationException or ContainerUnstableException or HealthTimeoutException)
            {
                failures.Add(("Frontend", exception.Message));
                log($"[FAILED] frontend: {exception.Message}");
            }
        }
        var gates = await new DeploymentVerifier(http).VerifyAsync(apiUrl, settings.VersionEndpoints, settings.Target,
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

    /// <summary>Until the copy's server accepts a login; a server that exits (a bad environment) is reported at once.</summary>
    async Task WaitForDatabaseAsync(DatabaseTarget database, string containerId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
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
            if (DateTimeOffset.UtcNow >= deadline)
                throw new RehearsalException($"The copy's database server did not accept a login within {timeout.TotalSeconds:0} s ({Setting.MigrationTimeout.Flag()}); last: {last}.");
            await Task.Delay(200, cancellationToken);
        }
    }
}
