using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Deployments;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Steps.Preflight;

namespace Nexplane.Upgrade.Tests.Steps.Preflight;

/// <summary>The deployment's answers to Preflight given as data (by default <see cref="PreflightSample.Facts"/>), with each question recorded.</summary>
sealed class RecordedPreflightFacts : IPreflightFacts
{
    public List<string> Calls { get; } = [];

    public DeploymentFiles Files { get; init; } = PreflightSample.Files();
    public ContainerFacts Containers { get; init; } = PreflightSample.OwnContainers;
    public RunningVersion Running { get; init; } = PreflightSample.On020;
    public VerificationGate Login { get; init; } = new("login", true, "admin@example.com logged in");
    public ReleaseFacts Releases { get; init; } = PreflightSample.Facts().Releases!;
    /// <summary>What <c>--version latest</c> chooses from: 0.2.0 and 0.3.0 published, 0.4.0-rc.1 a prerelease version.</summary>
    public PublishedReleases Published { get; init; } = new([
        new PublishedRelease(NexplaneVersion.Parse("v0.4.0-rc.1"), "v0.4.0-rc.1", "", []),
        new PublishedRelease(NexplaneVersion.Parse("v0.3.0"), "v0.3.0", "", []),
        new PublishedRelease(NexplaneVersion.Parse("v0.2.0"), "v0.2.0", "", []),
    ], "published release of youbetyourballs/nexplane");
    public AgentPreflightResult Agents { get; init; } = new([], [], [], []);
    /// <summary>Image reference -> the registry's answer; an image not named has digest sha256:found.</summary>
    public Dictionary<string, RegistryAnswer> Registry { get; init; } = [];
    public DatabaseFacts Database { get; init; } = PreflightSample.Facts().Database;
    public long FreeBytes { get; init; } = 10L * 1024 * 1024 * 1024;

    public DeploymentFiles ReadFiles(Deployment deployment)
    {
        Calls.Add("files " + deployment.ComposeFile);
        return Files;
    }

    public Task<ContainerFacts> InspectContainersAsync(Deployment deployment, IReadOnlyList<string> services, CancellationToken cancellationToken)
    {
        Calls.Add("containers " + string.Join(",", services));
        return Task.FromResult(Containers);
    }

    public Task<RunningVersion> ProbeVersionAsync(Deployment deployment, CancellationToken cancellationToken)
    {
        Calls.Add("version " + deployment.ApiUrl);
        return Task.FromResult(Running);
    }

    public Task<VerificationGate> TryLoginAsync(Uri apiUrl, LoginAccount login, CancellationToken cancellationToken)
    {
        Calls.Add("login " + login.Email);
        return Task.FromResult(Login);
    }

    public Task<PublishedReleases> ListReleasesAsync(ReleaseSettings releases, CancellationToken cancellationToken)
    {
        Calls.Add("published releases");
        return Task.FromResult(Published);
    }

    public Task<ReleaseFacts> ReadReleasesAsync(ReleaseSettings releases, NexplaneVersion current, NexplaneVersion target, CancellationToken cancellationToken)
    {
        Calls.Add($"releases {current} -> {target}");
        return Task.FromResult(Releases);
    }

    public Task<AgentPreflightResult> CheckAgentHostsAsync(AgentSettings agents, ReleaseSettings releases, string? hostsFile, NexplaneVersion target,
        CancellationToken cancellationToken)
    {
        Calls.Add($"agent hosts {hostsFile} for {target}");
        return Task.FromResult(Agents);
    }

    public Task<IReadOnlyList<RegistryAnswer>> FindImagesAsync(IReadOnlyList<ImageReference> images, CancellationToken cancellationToken)
    {
        Calls.Add("registry " + string.Join(",", images));
        return Task.FromResult<IReadOnlyList<RegistryAnswer>>(images.Select(i => Registry.GetValueOrDefault(i.ToString(), new RegistryAnswer("sha256:found"))).ToArray());
    }

    public Task<DatabaseFacts> InspectDatabaseAsync(DatabaseTarget database, CancellationToken cancellationToken)
    {
        Calls.Add("database " + database.Name);
        return Task.FromResult(Database);
    }

    public long FreeBytesAt(string directory)
    {
        Calls.Add("disk " + directory);
        return FreeBytes;
    }
}
