using Nexplane.Upgrade.Deployments;
using System.Diagnostics;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Processes;
using Nexplane.Upgrade.Rehearsals;
using Nexplane.Upgrade.Steps.Preflight;
using Nexplane.Upgrade.Steps.Rehearse;

namespace Nexplane.Upgrade.Wiring;

/// <summary>Preflight's read-only checks of this deployment, and a rehearsal of the upgrade on a throwaway copy of it.</summary>
public sealed partial class LiveDeployment
{
    public Task<PreflightReport> PreflightAsync(PreflightSettings preflightSettings, CancellationToken cancellationToken) =>
        new PreflightStep(output).RunAsync(preflightSettings, new LivePreflightFacts(http, commands, Advice), cancellationToken);

    /// <summary>Runs the upgrade Preflight resolved on a throwaway copy loaded from <paramref name="archive"/>; the deployment is only read.</summary>
    public async Task<RehearsalReport> RehearseAsync(PreflightReport preflight, string archive, string stateDirectory, CancellationToken cancellationToken)
    {
        var rehearsal = new Rehearsal(await DockerAsync(cancellationToken), http, commands, output, settings.Secrets, Advice);
        return await rehearsal.RunAsync(await RehearsalSettingsAsync(preflight, archive, stateDirectory, cancellationToken), cancellationToken);
    }

    async Task<RehearsalSettings> RehearsalSettingsAsync(PreflightReport preflight, string archive, string stateDirectory,
        CancellationToken cancellationToken)
    {
        // compose's own view of the deployment: interpolated, env_file merged. It holds secrets: parsed, never logged.
        var compose = await ComposeAsync(cancellationToken);
        var config = await commands.RunAsync(compose.Config(), cancellationToken: cancellationToken);
        if (!config.Succeeded)
            throw new InvalidOperationException($"compose config of {deployment.ComposeFile} failed (exit code {config.ExitCode}): " +
                                                settings.Secrets.Redact(string.Join(" ", config.StandardError.TakeLast(5))));
        var services = ComposeConfig.Parse(string.Join("\n", config.StandardOutput));
        var frontend = deployment.FrontendUrl is null ? null : preflight.Services.FirstOrDefault(s => s.Service == deployment.FrontendService);
        // What StartBackend starts besides the backend (a worker), with the image the upgrade would pin; the frontend has its own step.
        var companions = preflight.Services
            .Where(s => s.Service != deployment.BackendService && s.Service != deployment.FrontendService && deployment.StopServices.Contains(s.Service)
                        && services.Any(r => r.Name == s.Service))
            .ToArray();
        var database = services.FirstOrDefault(s => s.Name == deployment.DatabaseService)
            ?? throw new InvalidOperationException($"The compose file has no {deployment.DatabaseService} service ({Advice.Flag(Setting.DatabaseService)}) to copy.");
        return new RehearsalSettings
        {
            Id = $"{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}",
            ComposeFile = deployment.ComposeFile,
            From = preflight.Current!,
            Target = preflight.Target,
            Services = services,
            DatabaseService = deployment.DatabaseService,
            SupportingServices = deployment.ProtectedServices.Where(s => s != deployment.DatabaseService && services.Any(r => r.Name == s)).ToArray(),
            BackendService = deployment.BackendService,
            BackendImage = preflight.Services.First(s => s.Service == deployment.BackendService).To,
            Stops = preflight.Stops.Select(stop => new RehearsedStop(stop.Version, stop.Backend.To)).ToArray(),
            CompanionImages = companions.ToDictionary(s => s.Service, s => s.To),
            RunningImages = await RunningImagesAsync([deployment.BackendService, .. companions.Select(s => s.Service)], cancellationToken),
            ComposeVariant = compose.Variant,
            FrontendService = frontend?.Service,
            FrontendImage = frontend?.To,
            ApiUrl = deployment.ApiUrl,
            FrontendUrl = deployment.FrontendUrl,
            VersionEndpoints = deployment.VersionEndpoints,
            FrontendVersionEndpoint = deployment.FrontendVersionEndpoint,
            Database = await DatabaseAsync(cancellationToken),
            DatabasePortInCopy = database.UsesHostNetwork ? deployment.Database.Port : deployment.DatabaseContainerPort,
            Archive = archive,
            RestoreJobs = Math.Max(settings.RestoreJobs, 1),
            RevisionsBefore = BackupManifest.Read(BackupManifest.PathFor(archive)).AlembicRevisions,
            AnnouncesMigrations = preflight.Path?.AnnouncesMigrations ?? false,
            LoginEmail = settings.Login.Email,
            LoginPassword = settings.Login.Password,
            MigrationTimeout = Timeouts.Migration,
            HealthTimeout = Timeouts.Health,
            StabilityWindow = Timeouts.StabilityWindow,
            StopTimeout = Timeouts.Stop,
            StateDirectory = stateDirectory,
        };
    }

    /// <summary>
    /// The image each service's newest container was created from, as the engine reports it (the reference it was
    /// created with): what the deployment runs now, even when its compose file already names another tag. A service
    /// without a container is left out.
    /// </summary>
    async Task<IReadOnlyDictionary<string, string>> RunningImagesAsync(IEnumerable<string> services, CancellationToken cancellationToken)
    {
        var containers = await ContainersAsync(cancellationToken);
        var running = new Dictionary<string, string>();
        foreach (var service in services)
            if ((await containers.OfServiceAsync(service, cancellationToken)).OrderByDescending(c => c.StartedAt).FirstOrDefault() is { Image.Length: > 0 } newest)
                running[service] = newest.Image;
        return running;
    }
}
