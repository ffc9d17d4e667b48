using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Deployments;
using Nexplane.Upgrade.Processes;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Steps.Preflight;
using Npgsql;
using Nexplane.Upgrade.Operator;

namespace Nexplane.Upgrade.Wiring;

/// <summary>
/// The deployment as Preflight reads it: the compose files, the Docker engine, the backend's API, GitHub (or the
/// offline notes), the registry, PostgreSQL, the disk and the agent hosts. Read-only; each client's refusal becomes a
/// fact. Which of them counts against the upgrade is <see cref="PreflightGates"/>' to say.
/// </summary>
public sealed class LivePreflightFacts(HttpClient http, ICommandRunner commands, OperatorAdvice advice) : IPreflightFacts
{
    public DeploymentFiles ReadFiles(Deployment deployment) =>
        new(ComposeDocument.Load(deployment.ComposeFile, advice), DotEnvFile.Load(deployment.EnvFile), Environment.GetEnvironmentVariable);

    public async Task<ContainerFacts> InspectContainersAsync(Deployment deployment, IReadOnlyList<string> services, CancellationToken cancellationToken)
    {
        try
        {
            using var docker = await DeploymentContainers.ConnectAsync(cancellationToken);
            var containers = new DeploymentContainers(docker, deployment.Project.Name, deployment.ComposeFile);
            var found = new List<ServiceContainers>();
            foreach (var service in services)
            {
                try
                {
                    found.Add(new(service, await containers.OfServiceAsync(service, cancellationToken)));
                }
                catch (ForeignContainerException exception)
                {
                    found.Add(new(service, [], exception.Message));
                }
            }
            return new ContainerFacts(found);
        }
        catch (DockerUnavailableException exception)
        {
            return new ContainerFacts([], exception.Message);
        }
    }

    public async Task<RunningVersion> ProbeVersionAsync(Deployment deployment, CancellationToken cancellationToken)
    {
        try
        {
            return new(await new VersionProbe(http, advice).GetVersionAsync(deployment.ApiUrl, deployment.VersionEndpoints, cancellationToken));
        }
        catch (VersionProbeException exception)
        {
            return new(null, exception.Message);
        }
    }

    public async Task<VerificationGate> TryLoginAsync(Uri apiUrl, LoginAccount login, CancellationToken cancellationToken) =>
        (await new DeploymentVerifier(http, advice).LoginGateAsync(apiUrl, login.Email, login.Password, cancellationToken)).Gate;

    public async Task<PublishedReleases> ListReleasesAsync(ReleaseSettings releases, CancellationToken cancellationToken)
    {
        var source = releases.ReleaseNotesFile is { } file ? $"release in {file}" : $"published release of {releases.GitHubRepository}";
        try
        {
            return new(releases.ReleaseNotesFile is { } notes
                ? ReleaseNotesFile.ReadNamedReleases(notes)
                : await releases.GitHub(advice).GetAllAsync(cancellationToken), source);
        }
        catch (ReleaseSourceException exception)
        {
            return new([], source, exception.Message);
        }
    }

    /// <summary>
    /// The releases on the path (current, target], with their release.yml, and the notes of the releases after the
    /// target (only to recognise their migrations; an offline notes file has none of those).
    /// </summary>
    public async Task<ReleaseFacts> ReadReleasesAsync(ReleaseSettings releases, NexplaneVersion current, NexplaneVersion target,
        CancellationToken cancellationToken)
    {
        try
        {
            if (releases.ReleaseNotesFile is not null)
            {
                var offline = ReleaseNotesFile.Read(releases.ReleaseNotesFile, target);
                // The file holds the releases on the path only; the running version is known from the deployment itself.
                return new(offline.Select(r => r.Version).Append(current).ToArray(), offline.Select(r => ReleaseNotesParser.Parse(r.Version, r.Notes)).ToArray(),
                    [], $"{releases.ReleaseNotesFile} ({offline.Count} release(s))");
            }

            var source = releases.GitHub(advice);
            var published = await source.GetAllAsync(cancellationToken);
            var digests = new List<ReleaseDigest>();
            foreach (var release in published.Where(r => r.Version > current && r.Version <= target))
            {
                var releaseYaml = release.FindAsset("release.yml") is { } asset
                    ? System.Text.Encoding.UTF8.GetString(await source.DownloadAsync(asset, cancellationToken))
                    : null;
                digests.Add(ReleaseNotesParser.Parse(release.Version, release.Notes, releaseYaml));
            }
            var later = published.Where(r => r.Version > target).Select(r => ReleaseNotesParser.Parse(r.Version, r.Notes)).ToArray();
            return new(published.Select(r => r.Version).ToArray(), digests, later,
                $"{digests.Count} release(s) after {current} up to {target} from {releases.GitHubRepository}");
        }
        catch (ReleaseSourceException exception)
        {
            return ReleaseFacts.Unreadable(exception.Message);
        }
    }

    public async Task<AgentPreflightResult> CheckAgentHostsAsync(AgentSettings agents, ReleaseSettings releases, string? hostsFile, NexplaneVersion target,
        CancellationToken cancellationToken)
    {
        var downloader = new AgentBinaryDownloader(releases.GitHub(advice), agents.BinaryCacheDirectory);
        var preflight = new AgentPreflight(AgentHostShells.Connector(agents.SshKeyPassphrase, agents.ConnectTimeout, commands, advice), downloader.GetAsync);
        AgentPreflightResult result;
        if (agents.InventorySource is { } inventory)
        {
            // The operator's inventory, read and its hosts asked through Ansible itself: reachable their way, or refused now.
            var found = await new Agents.Ansible.AnsibleInventoryHosts(commands, inventory)
                .LoadAsync(Path.Combine(agents.AnsibleDirectory, "preflight", "results"), forUpgrade: true, cancellationToken);
            result = await preflight.CheckAsync(found.Hosts, found.Problems, target, cancellationToken);
        }
        else
            result = await preflight.RunAsync(hostsFile ?? throw new InvalidOperationException("No agent hosts file is given."), target, cancellationToken);
        if (agents.Engine != AgentEngine.Ansible)
            return result;
        // The engine itself: a missing ansible-playbook must stop the upgrade here, not after the control plane moved.
        var notices = new List<string>(result.Notices);
        var problems = await Agents.Ansible.AnsibleReadiness.ProblemsAsync(commands, agents.SshKeyPassphrase, cancellationToken,
            version => notices.Add($"Agents through Ansible: {version}"));
        return result with { Problems = [.. result.Problems, .. problems], Notices = notices };
    }

    public async Task<IReadOnlyList<RegistryAnswer>> FindImagesAsync(IReadOnlyList<ImageReference> images, CancellationToken cancellationToken)
    {
        var registry = new RegistryClient(http, RegistryCredentials.FromEnvironment(commands));
        var answers = new List<RegistryAnswer>();
        foreach (var image in images)
        {
            try
            {
                answers.Add(new(await registry.FindManifestDigestAsync(image, cancellationToken)));
            }
            catch (RegistryException exception)
            {
                answers.Add(new(null, exception.Message));
            }
        }
        return answers;
    }

    public async Task<DatabaseFacts> InspectDatabaseAsync(DatabaseTarget database, CancellationToken cancellationToken)
    {
        var inspector = new DatabaseInspector(database, advice);
        DatabaseSnapshot snapshot;
        try
        {
            snapshot = await inspector.SnapshotAsync(cancellationToken);
        }
        catch (DatabaseAccessException exception)
        {
            return DatabaseFacts.Unreachable(exception.Message);
        }
        try
        {
            return new(snapshot.SizeBytes, snapshot.AlembicRevisions, await inspector.KeptDatabasesAsync(cancellationToken));
        }
        catch (Exception exception) when (exception is DatabaseAccessException or NpgsqlException)
        {
            return new(snapshot.SizeBytes, snapshot.AlembicRevisions, [], exception.Message);
        }
    }

    public long FreeBytesAt(string directory)
    {
        var existing = Path.GetFullPath(directory);
        while (!Directory.Exists(existing))
            existing = Path.GetDirectoryName(existing) ?? "/";
        return new DriveInfo(existing).AvailableFreeSpace;
    }
}
