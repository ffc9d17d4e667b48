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
    /// <summary>Where the failed backend's output and the report go.</summary>
    public required string StateDirectory { get; init; }
    /// <summary>
    /// The old backend's stop, which the copy cannot measure: the Stop step's TERM-then-wait took 0.14-0.54 s on the
    /// sandbox (README, Stop), so half a second by default.
    /// </summary>
    public double StopEstimateSeconds { get; init; } = 0.5;
}
