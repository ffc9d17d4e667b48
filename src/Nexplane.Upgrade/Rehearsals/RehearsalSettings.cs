using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Releases;

namespace Nexplane.Upgrade.Rehearsals;

/// <summary>Everything one rehearsal needs: the deployment as compose resolved it, the versions and images, the backup, and the watch's limits.</summary>
public sealed record RehearsalSettings
{
    public required string Id { get; init; }
    public required string ComposeFile { get; init; }
    public required NexplaneVersion From { get; init; }
    public required NexplaneVersion Target { get; init; }
    public required IReadOnlyList<ResolvedService> Services { get; init; }
    public required string DatabaseService { get; init; }
    /// <summary>Protected services beside the database (redis): each gets an empty throwaway copy.</summary>
    public required IReadOnlyList<string> SupportingServices { get; init; }
    public required string BackendService { get; init; }
    public required ImageReference BackendImage { get; init; }
    /// <summary>The stops on the way, oldest first, with the backend's image at each: the copy passes them as the upgrade does.</summary>
    public IReadOnlyList<RehearsedStop> Stops { get; init; } = [];
    /// <summary>The other services the real StartBackend starts with the backend (a worker), with the rehearsed version's images.</summary>
    public IReadOnlyDictionary<string, ImageReference> CompanionImages { get; init; } = new Dictionary<string, ImageReference>();
    /// <summary>The image the backend and each companion runs now in the deployment (its container's); the copy runs these first.</summary>
    public IReadOnlyDictionary<string, string> RunningImages { get; init; } = new Dictionary<string, string>();
    /// <summary>The deployment's compose CLI: the copy's backend is started, stopped and recreated through it, as the real upgrade does.</summary>
    public required ComposeVariant ComposeVariant { get; init; }
    public string? FrontendService { get; init; }
    public ImageReference? FrontendImage { get; init; }
    public required Uri ApiUrl { get; init; }
    public Uri? FrontendUrl { get; init; }
    public required IReadOnlyList<VersionEndpoint> VersionEndpoints { get; init; }
    public VersionEndpoint? FrontendVersionEndpoint { get; init; }
    /// <summary>The deployment's database name, user and password; the copy's server gets the same from the db service's environment.</summary>
    public required DatabaseTarget Database { get; init; }
    /// <summary>The port the copy's server listens on: the db container's own port (on the host's network: the deployment's).</summary>
    public required int DatabasePortInCopy { get; init; }
    public required string Archive { get; init; }
    public int RestoreJobs { get; init; } = Environment.ProcessorCount;
    public required IReadOnlyList<string> RevisionsBefore { get; init; }
    public bool AnnouncesMigrations { get; init; }
    public required string LoginEmail { get; init; }
    public string? LoginPassword { get; init; }
    public required TimeSpan MigrationTimeout { get; init; }
    public required TimeSpan HealthTimeout { get; init; }
    public required TimeSpan StabilityWindow { get; init; }
    /// <summary>The Stop step's fallback timeout: the copy's running version is stopped as Stop stops the deployment's.</summary>
    public required TimeSpan StopTimeout { get; init; }
    /// <summary>Where the failed backend's output and the report go.</summary>
    public required string StateDirectory { get; init; }
}

/// <summary>A stop on the rehearsed path: its version and the backend's image there.</summary>
public sealed record RehearsedStop(NexplaneVersion Version, ImageReference BackendImage);
