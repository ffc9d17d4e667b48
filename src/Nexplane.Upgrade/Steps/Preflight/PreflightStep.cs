using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Operator;
using Nexplane.Upgrade.Releases;

namespace Nexplane.Upgrade.Steps.Preflight;

/// <summary>
/// Preflight, the runbook's "before you start", done for the operator and read-only: the running version, the notes
/// of every release on the way, the upgrade path's gates, and whether Docker, the compose file, the images, the
/// database and the disk are ready. It reads the facts in the order each needs the last (no login without a running
/// version, no agent hosts without an agent upgrade), says what it found, and leaves the verdict to
/// <see cref="PreflightGates.Judge"/>. The run records the report.
/// </summary>
public sealed class PreflightStep(IRunOutput output)
{
    public async Task<PreflightReport> RunAsync(PreflightSettings settings, IPreflightFacts deployment, CancellationToken cancellationToken)
    {
        var target = await TargetAsync(settings, deployment, cancellationToken);

        // The compose file and its services: what there is to upgrade.
        var files = deployment.ReadFiles(settings.Deployment);
        var services = PreflightGates.Services(settings.Deployment.AppServices, settings.Deployment.ProtectedServices, files.Compose, settings.Advice).Selected;
        // Docker: everything after Preflight goes through it.
        var containers = await deployment.InspectContainersAsync(settings.Deployment, files.Compose.Services.Select(s => s.Name).ToArray(), cancellationToken);

        // The running version, from the backend, and the login Verify will use, tried while that version still serves.
        var running = await deployment.ProbeVersionAsync(settings.Deployment, cancellationToken);
        if (running.Reported is { } reported)
            output.Line($"Running version: {reported.Version} (from {reported.Endpoint})");
        var current = running.Reported?.Version;
        var login = current is null ? null : await deployment.TryLoginAsync(settings.Deployment.ApiUrl, settings.Login, cancellationToken);

        // Release notes and the upgrade path.
        var releases = current is null ? null : await deployment.ReadReleasesAsync(settings.Releases, current, target, cancellationToken);
        if (releases is { Problem: null })
            output.Line($"Release notes: {releases.Source}");

        // The agents: checked only when an agent upgrade is due and the tool is to do it.
        var path = PreflightGates.Path(current, target, releases, settings.Via);
        var whyAgents = PreflightGates.AgentUpgradeReason(path, settings.Agents, settings.Advice);
        AgentPreflightResult? agents = null;
        if (PreflightGates.ChecksAgentHosts(whyAgents, settings.Agents))
        {
            agents = await deployment.CheckAgentHostsAsync(settings.Agents, settings.Releases, settings.Agents.HostsFile, target, cancellationToken);
            foreach (var notice in agents.Notices)
                output.Line(notice);
            if (agents.Problems.Count == 0)
                output.Line($"Agents: {whyAgents}; {ReadyHosts(agents.Hosts, settings.Agents)}");
        }

        // The new images, asked of their registry before anything is pulled or stopped.
        var withVPrefix = PreflightGates.TagsWithVPrefix(settings.TagFormat, PreflightGates.PinnedVersions(files, services));
        var targets = PreflightGates.TargetImages(files, services, target, withVPrefix);
        // At a stop on the way only the backend runs (its migrations, then its checks): its image there must exist too.
        var stops = PreflightGates.StopImages(files, services, settings.Deployment.BackendService, path, withVPrefix);
        var answers = await deployment.FindImagesAsync(targets.Select(t => t.To).Concat(stops.Select(s => s.Image.To)).ToArray(), cancellationToken);

        // The database, and room for its backup once its size is known.
        var database = await deployment.InspectDatabaseAsync(settings.Database, cancellationToken);
        long? free = database.Problem is null ? deployment.FreeBytesAt(settings.BackupDirectory) : null;

        return PreflightGates.Judge(new PreflightFacts
        {
            Target = target,
            Files = files,
            Containers = containers,
            Running = running,
            Login = login,
            Releases = releases,
            Agents = agents,
            Images = targets.Zip(answers, (t, answer) => new ImageLookup(t.Service, t.From, t.To, answer)).ToArray(),
            StopImages = stops.Zip(answers.Skip(targets.Count), (s, answer) => (s.Stop, new ImageLookup(s.Image.Service, s.Image.From, s.Image.To, answer))).ToArray(),
            Database = database,
            FreeBackupBytes = free,
        }, settings);
    }

    /// <summary>
    /// The version asked for, or for <c>--version latest</c> the newest stable release, said once: from here on the run,
    /// its journal (which a resumed run continues from) and its report know only the resolved version.
    /// </summary>
    async Task<NexplaneVersion> TargetAsync(PreflightSettings settings, IPreflightFacts deployment, CancellationToken cancellationToken)
    {
        if (!LatestRelease.IsRequested(settings.TargetVersion))
            return PreflightGates.Target(settings.TargetVersion);
        var published = await deployment.ListReleasesAsync(settings.Releases, cancellationToken);
        var latest = PreflightGates.Latest(published, settings.Advice);
        output.Line($"{settings.Advice.Flag(Setting.Version)} {LatestRelease.Keyword} is {latest}, the newest {published.Source}");
        return latest;
    }

    /// <summary>"3 host(s) ready over SSH: a, b, c; 1 on this machine: d".</summary>
    static string ReadyHosts(IReadOnlyList<AgentHost> hosts, AgentSettings agents)
    {
        if (agents.InventorySource is { } inventory)
            return $"{inventory.Describe(hosts.Count)} ready through Ansible: {string.Join(", ", hosts.Select(h => h.Name))}";
        var ssh = hosts.Where(h => !h.Local).Select(h => h.Name).ToArray();
        var local = hosts.Where(h => h.Local).Select(h => h.Name).ToArray();
        return string.Join("; ", new[]
        {
            ssh.Length > 0 ? $"{ssh.Length} host(s) ready over SSH: {string.Join(", ", ssh)}" : null,
            local.Length > 0 ? $"{local.Length} on this machine: {string.Join(", ", local)}" : null,
        }.OfType<string>());
    }
}
