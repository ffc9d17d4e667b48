using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Releases;
using Npgsql;

namespace Nexplane.Upgrade.Steps.Preflight;

/// <summary>
/// The runbook's "before you start", done for the operator and read-only: the running version, the notes of
/// every release on the way, the upgrade path's gates, and whether Docker, the compose file, the images, the
/// database and the disk are ready. Every problem is collected, so one run tells the operator all there is to fix.
/// </summary>
public sealed class PreflightCheck(HttpClient http, Action<string> log)
{
    public async Task<PreflightReport> RunAsync(PreflightSettings settings, CancellationToken cancellationToken)
    {
        var target = NexplaneVersion.TryParse(settings.TargetVersion, out var parsed)
            ? parsed
            : throw new PreflightException($"'{settings.TargetVersion}' is not a Nexplane version; expected MAJOR.MINOR.PATCH such as 0.3.0.");
        var failures = new List<UpgradeGateFailure>();
        var notices = new List<string>();

        // The compose file and its services: what there is to upgrade.
        var compose = ComposeDocument.Load(settings.Deployment.ComposeFile);
        var envFile = DotEnvFile.Load(settings.Deployment.EnvFile);
        var services = SelectServices(settings, compose, failures);
        CheckComposeVariables(compose, envFile, failures);

        // Docker: everything after Preflight goes through it.
        try
        {
            using var docker = await DeploymentContainers.ConnectAsync(cancellationToken);
            var containers = new DeploymentContainers(docker, settings.Deployment.Project.Name, settings.Deployment.ComposeFile);
            // Another deployment's containers are not inspected any further.
            if (await CheckOwnContainersAsync(compose, containers, failures, cancellationToken))
                await CheckProtectedImagesAsync(settings, compose, envFile, containers, failures, cancellationToken);
        }
        catch (DockerUnavailableException exception)
        {
            failures.Add(new("docker", exception.Message));
        }

        // The running version, from the backend, cross-checked with the tags the deployment pins.
        NexplaneVersion? current = null;
        try
        {
            var reported = await new VersionProbe(http).GetVersionAsync(settings.Deployment.ApiUrl, settings.Deployment.VersionEndpoints, cancellationToken);
            current = reported.Version;
            log($"Running version: {current} (from {reported.Endpoint})");
        }
        catch (VersionProbeException exception)
        {
            failures.Add(new("current-version", exception.Message));
        }
        // Verify logs in after the upgrade; a login that fails now would fail then, after the downtime, and
        // the rollback's own verification with it. Try it while the running version still serves.
        if (current is not null)
        {
            var (login, _) = await new DeploymentVerifier(http).LoginGateAsync(settings.Deployment.ApiUrl, settings.Login.Email, settings.Login.Password, cancellationToken);
            if (!login.Passed)
                failures.Add(new("login", $"The login Verify will use fails on the running version: {login.Detail}. " +
                                          $"Fix {Setting.LoginEmail.Flag()}/{Setting.LoginPassword.Flag()} (or the deployment's .env) before upgrading."));
        }

        var pinned = PinnedVersions(compose, envFile, services);
        foreach (var (service, version) in pinned.Where(p => current is not null && !p.Value.Equals(current)))
            notices.Add($"The compose file pins {service} to {version}, but the backend reports {current}: the deployment is not on one version.");

        // Release notes and the upgrade path.
        UpgradePath? path = null;
        IReadOnlyList<ReleaseDigest> laterReleases = [];
        if (current is not null)
        {
            try
            {
                var (known, digests, later) = await ReadReleasesAsync(settings, current, target, cancellationToken);
                laterReleases = later;
                path = UpgradePath.Between(current, target, digests);
                var variables = envFile.Variables.Keys
                    .Concat(services.SelectMany(s => compose.Find(s)!.Environment.Keys))
                    .ToHashSet(StringComparer.Ordinal);
                failures.AddRange(path.Check(known, variables, settings.Overrides));
            }
            catch (ReleaseSourceException exception)
            {
                failures.Add(new("release-notes", exception.Message));
            }
        }

        // The agents: a required agent upgrade must be possible before the control plane goes down.
        var agents = path is not null && (path.AgentUpgradeRequired || settings.Agents.UpgradeRequested)
            ? await CheckAgentsAsync(settings, path, failures, notices, cancellationToken)
            : null;

        // The new images must exist before anything is pulled or stopped.
        var upgrades = new List<ServiceUpgrade>();
        var withVPrefix = settings.TagFormat switch
        {
            TagFormat.V => true,
            TagFormat.Plain => false,
            _ => pinned.Values.FirstOrDefault()?.HasVPrefix ?? false,
        };
        var registry = new RegistryClient(http, RegistryCredentials.FromEnvironment());
        foreach (var service in services)
        {
            var from = compose.ResolveImage(service, envFile.Variables);
            var to = from.WithTag(target.ToTag(withVPrefix));
            try
            {
                var digest = await registry.FindManifestDigestAsync(to, cancellationToken);
                if (digest is null)
                    failures.Add(new("image", $"The image {to} does not exist in its registry. Check {Setting.Version.Flag()} and the image tag format ({Setting.TagFormat.Flag()})."));
                upgrades.Add(new ServiceUpgrade(service, from, to, digest));
            }
            catch (RegistryException exception)
            {
                failures.Add(new("image", exception.Message));
            }
        }

        // The database: reachable with these credentials, and room for its backup.
        long? databaseSize = null;
        IReadOnlyList<string> revisions = [];
        IReadOnlyList<KeptDatabase> kept = [];
        try
        {
            var inspector = new DatabaseInspector(settings.Database);
            var snapshot = await inspector.SnapshotAsync(cancellationToken);
            databaseSize = snapshot.SizeBytes;
            revisions = snapshot.AlembicRevisions;
            CheckDiskSpace(settings.BackupDirectory, snapshot.SizeBytes, failures);
            kept = await KeptDatabasesAsync(inspector, notices, cancellationToken);
            // A downgrade has its own gate (--force-downgrade); its database is naturally ahead of the target.
            if (current is not null && target >= current)
                CheckDatabaseNotAhead(revisions, laterReleases, current, target, failures);
        }
        catch (DatabaseAccessException exception)
        {
            failures.Add(new("database", exception.Message));
        }

        return new PreflightReport
        {
            Current = current,
            Target = target,
            Path = path,
            Services = upgrades,
            Notices = notices,
            Failures = failures,
            DatabaseSizeBytes = databaseSize,
            AlembicRevisions = revisions,
            KeptDatabases = kept,
            AgentHosts = agents?.Hosts ?? [],
            AgentBinaries = agents?.Binaries ?? [],
        };
    }

    /// <summary>What earlier restores left on the server: for the operator's information, so a failure to tell is a notice, never a refusal.</summary>
    static async Task<IReadOnlyList<KeptDatabase>> KeptDatabasesAsync(DatabaseInspector inspector, List<string> notices, CancellationToken cancellationToken)
    {
        try
        {
            return await inspector.KeptDatabasesAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is DatabaseAccessException or NpgsqlException)
        {
            notices.Add($"Could not list the databases earlier restores left on the server: {exception.Message}");
            return [];
        }
    }

    /// <summary>
    /// The deployment itself, not only the notes: a variable the compose file needs but nobody sets would reach the
    /// new release as an empty value (compose only warns), and a release that requires it crash-loops after migrating.
    /// </summary>
    static void CheckComposeVariables(ComposeDocument compose, DotEnvFile envFile, List<UpgradeGateFailure> failures)
    {
        foreach (var missing in ComposeVariables.Missing(compose.Text, envFile.Variables, Environment.GetEnvironmentVariable))
        {
            var where = missing.Services.Where(s => s.Length > 0).ToArray() is { Length: > 0 } services
                ? $"service(s) {string.Join(", ", services)}"
                : "its top level";
            failures.Add(new("compose-variables",
                $"{compose.Path} uses ${{{missing.Name}}} ({where}) without a default, and neither {envFile.Path} nor the environment sets it: " +
                $"compose would start the service with an empty {missing.Name}. Set {missing.Name} in {envFile.Path}."));
        }
    }

    /// <summary>Every container of the project must come from this compose file: one deployment, never two.</summary>
    /// <returns>Whether every container is this deployment's own.</returns>
    static async Task<bool> CheckOwnContainersAsync(ComposeDocument compose, DeploymentContainers containers, List<UpgradeGateFailure> failures,
        CancellationToken cancellationToken)
    {
        var own = true;
        foreach (var service in compose.Services)
        {
            try
            {
                await containers.OfServiceAsync(service.Name, cancellationToken);
            }
            catch (ForeignContainerException exception)
            {
                failures.Add(new("deployment", exception.Message));
                own = false;
            }
        }
        return own;
    }

    static async Task CheckProtectedImagesAsync(PreflightSettings settings, ComposeDocument compose, DotEnvFile envFile, DeploymentContainers containers,
        List<UpgradeGateFailure> failures, CancellationToken cancellationToken)
    {
        foreach (var service in settings.Deployment.ProtectedServices.Where(s => compose.Find(s)?.Image is not null))
        {
            var running = (await containers.OfServiceAsync(service, cancellationToken)).FirstOrDefault(c => c.State == "running");
            if (running is null)
                continue;
            if (ProtectedImageCheck.Compare(service, compose.ResolveImage(service, envFile.Variables), ImageReference.Parse(running.Image)) is { } problem)
                failures.Add(new("protected-image", problem));
        }
    }

    static List<string> SelectServices(PreflightSettings settings, ComposeDocument compose, List<UpgradeGateFailure> failures)
    {
        var selected = new List<string>();
        foreach (var service in settings.Deployment.AppServices)
        {
            var found = compose.Find(service);
            if (settings.Deployment.ProtectedServices.Contains(service))
                failures.Add(new("services", $"'{service}' is both an app service and a protected service; protected services are never restarted."));
            else if (found is null)
                continue; // Normal (real deployments have no worker); the run's description of its deployment names it.
            else if (found.IsBuildOnly)
                failures.Add(new("services",
                    $"Service '{service}' is built from source (build: without image:). An image upgrade cannot move it: give it an image: line " +
                    $"with a released image, or leave it out with {Setting.AppServices.Flag()}."));
            else
                selected.Add(service);
        }
        if (selected.Count == 0 && !failures.Any(f => f.Gate == "services"))
            failures.Add(new("services", $"None of the app services ({string.Join(", ", settings.Deployment.AppServices)}) is in {compose.Path}."));
        return selected;
    }

    static Dictionary<string, NexplaneVersion> PinnedVersions(ComposeDocument compose, DotEnvFile envFile, IEnumerable<string> services)
    {
        var pinned = new Dictionary<string, NexplaneVersion>();
        foreach (var service in services)
        {
            if (NexplaneVersion.TryParse(compose.ResolveImage(service, envFile.Variables).Tag, out var version))
                pinned[service] = version;
        }
        return pinned;
    }

    /// <summary>
    /// The releases on the path (current, target], with their release.yml, and the notes of the releases after the
    /// target (only to recognise their migrations; an offline notes file has none of those).
    /// </summary>
    async Task<(IReadOnlyCollection<NexplaneVersion> Known, IReadOnlyList<ReleaseDigest> Digests, IReadOnlyList<ReleaseDigest> Later)> ReadReleasesAsync(
        PreflightSettings settings, NexplaneVersion current, NexplaneVersion target, CancellationToken cancellationToken)
    {
        if (settings.Releases.ReleaseNotesFile is not null)
        {
            var offline = ReleaseNotesFile.Read(settings.Releases.ReleaseNotesFile, target);
            log($"Release notes: {settings.Releases.ReleaseNotesFile} ({offline.Count} release(s))");
            return (offline.Select(r => r.Version).Append(current).ToArray(), offline.Select(r => ReleaseNotesParser.Parse(r.Version, r.Notes)).ToArray(), []);
        }

        var source = settings.Releases.GitHub();
        var releases = await source.GetAllAsync(cancellationToken);
        var digests = new List<ReleaseDigest>();
        foreach (var release in releases.Where(r => r.Version > current && r.Version <= target))
        {
            var releaseYaml = release.FindAsset("release.yml") is { } asset
                ? System.Text.Encoding.UTF8.GetString(await source.DownloadAsync(asset, cancellationToken))
                : null;
            digests.Add(ReleaseNotesParser.Parse(release.Version, release.Notes, releaseYaml));
        }
        log($"Release notes: {digests.Count} release(s) after {current} up to {target} from {settings.Releases.GitHubRepository}");
        var later = releases.Where(r => r.Version > target).Select(r => ReleaseNotesParser.Parse(r.Version, r.Notes)).ToArray();
        return (releases.Select(r => r.Version).ToArray(), digests, later);
    }

    /// <summary>
    /// A database already at a revision that a release after the target introduces (someone ran a newer backend
    /// against it) defeats the upgrade: the new backend stops at alembic's "Can't locate revision", and the rollback
    /// restores a database the running version cannot start on either. Refused while nothing has changed.
    /// </summary>
    static void CheckDatabaseNotAhead(IReadOnlyList<string> revisions, IReadOnlyList<ReleaseDigest> laterReleases,
        NexplaneVersion current, NexplaneVersion target, List<UpgradeGateFailure> failures)
    {
        foreach (var revision in revisions)
        {
            if (laterReleases.Where(r => r.MigrationRevisions.Contains(revision)).OrderBy(r => r.Version).FirstOrDefault() is not { } introducedBy)
                continue;
            failures.Add(new("database-ahead",
                $"The database is at alembic revision {revision}, which release {introducedBy.Version} introduces: it is ahead of the target " +
                $"{target} (and of the running {current}), as if {introducedBy.Version} had been run against it. {target}'s backend would stop at " +
                $"alembic's \"Can't locate revision\", and the rollback would restore a database {current} cannot start on either. Nothing was " +
                $"changed. Upgrade to {introducedBy.Version} or later instead, or find out what migrated this database."));
        }
    }

    async Task<AgentPreflightResult?> CheckAgentsAsync(PreflightSettings settings, UpgradePath path, List<UpgradeGateFailure> failures,
        List<string> notices, CancellationToken cancellationToken)
    {
        var target = path.Target;
        var why = path.AgentUpgradeRequired
            ? $"the release notes of {string.Join(", ", path.Releases.Where(r => r.AgentUpgradeRequired).Select(r => r.Version))} require an agent upgrade"
            : $"{Setting.UpgradeAgents.Flag()} was given";
        if (settings.Agents.Skip)
        {
            notices.Add($"Agents: {why}, and {Setting.SkipAgents.Flag()} leaves it to you: after the upgrade, replace each agent with " +
                        $"nexplane-agent-<platform>-{target} from release {target.GitTag} (check its .sha256) and restart its service.");
            return null;
        }
        if (settings.Agents.HostsFile is null)
        {
            failures.Add(new("agents", $"{char.ToUpperInvariant(why[0])}{why[1..]}, but no agent hosts are given. Name the hosts to upgrade with " +
                                       $"{Setting.AgentHostsFile.Flag()} <file> (see docs/runbook-steps.md, Agents), or pass {Setting.SkipAgents.Flag()} to upgrade the agents by hand afterwards."));
            return null;
        }

        var downloader = new AgentBinaryDownloader(settings.Releases.GitHub(),
            settings.Agents.BinaryCacheDirectory);
        var result = await new AgentPreflight(AgentHostShells.Connector(settings.Agents.SshKeyPassphrase, settings.Agents.ConnectTimeout), downloader.GetAsync)
            .RunAsync(settings.Agents.HostsFile, target, cancellationToken);
        failures.AddRange(result.Problems.Select(problem => new UpgradeGateFailure("agents", problem)));
        foreach (var notice in result.Notices)
            log(notice);
        if (result.Problems.Count == 0)
            log($"Agents: {why}; {ReadyHosts(result.Hosts)}");
        return result;
    }

    /// <summary>"3 host(s) ready over SSH: a, b, c; 1 on this machine: d".</summary>
    static string ReadyHosts(IReadOnlyList<AgentHost> hosts)
    {
        var ssh = hosts.Where(h => !h.Local).Select(h => h.Name).ToArray();
        var local = hosts.Where(h => h.Local).Select(h => h.Name).ToArray();
        return string.Join("; ", new[]
        {
            ssh.Length > 0 ? $"{ssh.Length} host(s) ready over SSH: {string.Join(", ", ssh)}" : null,
            local.Length > 0 ? $"{local.Length} on this machine: {string.Join(", ", local)}" : null,
        }.OfType<string>());
    }

    /// <summary>A custom-format dump is usually far smaller than the database; the whole size plus a margin is safe.</summary>
    static void CheckDiskSpace(string backupDirectory, long databaseSize, List<UpgradeGateFailure> failures)
    {
        var existing = Path.GetFullPath(backupDirectory);
        while (!Directory.Exists(existing))
            existing = Path.GetDirectoryName(existing) ?? "/";
        var free = new DriveInfo(existing).AvailableFreeSpace;
        var needed = databaseSize + 64L * 1024 * 1024;
        if (free < needed)
            failures.Add(new("disk",
                $"The backup directory {backupDirectory} has {free / 1024 / 1024} MB free; the backup needs up to {needed / 1024 / 1024} MB. " +
                $"Free space or choose another {Setting.BackupDirectory.Flag()}."));
    }
}

/// <summary>Preflight could not run at all (e.g. a malformed version). Nothing was changed.</summary>
public sealed class PreflightException(string message) : Exception(message);
