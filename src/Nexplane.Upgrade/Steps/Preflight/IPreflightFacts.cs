using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Deployments;
using Nexplane.Upgrade.Releases;

namespace Nexplane.Upgrade.Steps.Preflight;

/// <summary>
/// What Preflight reads of the deployment and around it (files, engine, API, releases, registry, database, disk,
/// agent hosts), read-only. A failure to read is returned as a fact, not thrown, so one run names every problem.
/// </summary>
public interface IPreflightFacts
{
    DeploymentFiles ReadFiles(Deployment deployment);

    /// <summary>The containers of each of <paramref name="services"/>; another deployment's are named, never inspected further.</summary>
    Task<ContainerFacts> InspectContainersAsync(Deployment deployment, IReadOnlyList<string> services, CancellationToken cancellationToken);

    Task<RunningVersion> ProbeVersionAsync(Deployment deployment, CancellationToken cancellationToken);

    /// <summary>One real login, as Verify will do it after the upgrade.</summary>
    Task<VerificationGate> TryLoginAsync(Uri apiUrl, LoginAccount login, CancellationToken cancellationToken);

    /// <summary>Every release published (or named by the offline notes), for <c>--version latest</c> to choose from.</summary>
    Task<PublishedReleases> ListReleasesAsync(ReleaseSettings releases, CancellationToken cancellationToken);

    Task<ReleaseFacts> ReadReleasesAsync(ReleaseSettings releases, NexplaneVersion current, NexplaneVersion target, CancellationToken cancellationToken);

    /// <summary>The agent hosts of <paramref name="hostsFile"/> (or of the agents' Ansible inventory group) and the target's agent binaries, checked without changing anything.</summary>
    Task<AgentPreflightResult> CheckAgentHostsAsync(AgentSettings agents, ReleaseSettings releases, string? hostsFile, NexplaneVersion target,
        CancellationToken cancellationToken);

    /// <summary>What the registry holds for each image, in the same order.</summary>
    Task<IReadOnlyList<RegistryAnswer>> FindImagesAsync(IReadOnlyList<ImageReference> images, CancellationToken cancellationToken);

    Task<DatabaseFacts> InspectDatabaseAsync(DatabaseTarget database, CancellationToken cancellationToken);

    /// <summary>Free bytes on the disk that holds <paramref name="directory"/> (or, before it exists, its nearest existing parent).</summary>
    long FreeBytesAt(string directory);
}
