using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Journal;
using Nexplane.Upgrade.Releases;
using Nuke.Common;
using Nuke.Common.IO;
using Serilog;

/// <summary>
/// The runbook's "upgrade agents (if required)": over SSH (or on this machine), canary first, then waves; each host keeps its old binary
/// and is rolled back on its own. Runs after Verify: the control plane is healthy on the new version by then, and a
/// failed agent never rolls it back (old agents keep working against it, as the runbook says).
/// </summary>
partial class Build
{
    [Parameter("Upgrade the agents even when the release notes do not require it")]
    readonly bool UpgradeAgents;

    [Parameter("JSON file naming the agent hosts to upgrade, over SSH or on this machine (see README: Agents)")]
    readonly AbsolutePath? AgentHostsFile;

    [Parameter("Leave a required agent upgrade to the operator (Preflight then lists what to do)")]
    readonly bool SkipAgents;

    [Parameter("Agent hosts upgraded at once after the canary")]
    readonly int AgentWaveSize = 5;

    [Parameter("How long a restarted agent has to register with the control plane on its new version")]
    readonly TimeSpan AgentRegistrationTimeout = TimeSpan.FromSeconds(60);

    [Parameter("Passphrase of the SSH key named in the agent hosts file")]
    [Secret]
    readonly string? AgentSshKeyPassphrase;

    static readonly TimeSpan AgentConnectTimeout = TimeSpan.FromSeconds(10);

    AbsolutePath AgentBinaryCacheDirectory => TemporaryDirectory / "agent-binaries";

    /// <summary>The release notes on the upgrade path say so, or the operator asked for it.</summary>
    bool AgentUpgradeRequired => UpgradeAgents || (Run.Preflight?.Path?.AgentUpgradeRequired ?? Journal?.AgentUpgradeRequired ?? false);

    /// <summary>Printed as the skip reason when the operator upgrades the agents by hand.</summary>
    bool AgentsNotLeftToOperator => !SkipAgents;

    Target Agents => _ => _
        .Description("Upgrades the agents (SSH or local) when the release requires it: canary, then waves, each host rolled back on its own")
        .DependsOn(Verify)
        .OnlyWhenDynamic(() => AgentUpgradeRequired)
        .OnlyWhenDynamic(() => AgentsNotLeftToOperator)
        .OnlyWhenDynamic(() => NotDoneBeforeResuming(nameof(Agents)))
        .Executes(async cancellationToken =>
        {
            var hosts = Run.Preflight?.AgentHosts is { Count: > 0 } checkedHosts
                ? checkedHosts
                : AgentHostsFileReader.Load(AgentHostsFile
                    ?? throw new InvalidOperationException("The release requires an agent upgrade, but no --agent-hosts-file is given (or pass --skip-agents)."));
            var binaries = await AgentBinariesAsync(hosts, cancellationToken);

            var (login, token) = await ControlPlaneLoginAsync(cancellationToken);
            if (!login.Passed || token is null)
                throw new InvalidOperationException($"The agent step confirms each agent through the control plane, but the login failed: {login.Detail}. No agent host was touched.");
            var agentList = new AgentInventory(Http);
            var registry = new ControlPlaneAgentRegistry(agentList, ApiUri, token);
            var upgrader = AgentUpgrader(registry);

            Log.Information("Agents: upgrading {Count} host(s) to {Version}, canary first, then waves of {WaveSize}",
                hosts.Count, TargetVersion.ToString(), AgentWaveSize);
            var outcomes = await new AgentRollout((host, token) => upgrader.UpgradeAsync(host, binaries[host.Platform], token), LogLine)
                .RunAsync(hosts, AgentWaveSize, cancellationToken);
            Report.Agents.AddRange(outcomes);
            if (Journal is not null)
            {
                // A later ./build.sh Rollback of this upgrade puts these hosts' old binaries back.
                foreach (var upgraded in outcomes.Where(o => o.Result == AgentHostResult.Upgraded))
                    Journal.UpgradedAgents[upgraded.Host] = upgraded.FromVersion;
                Journal.Save();
            }
            ReportSummary(summary => summary["Agents"] = string.Join(", ", outcomes.GroupBy(o => o.Result).Select(g => $"{g.Count()} {g.Key}")));

            await ReportAgentsOutsideTheFileAsync(agentList, token, hosts, cancellationToken);
            var failed = outcomes.Where(o => !o.IsSuccess).ToArray();
            if (failed.Length > 0)
                throw new InvalidOperationException(
                    $"{failed.Length} of {outcomes.Count} agent host(s) are not on {TargetVersion}; the control plane stays upgraded and healthy " +
                    "(older agents keep working against it). Fix the cause and rerun the agents alone with the same command plus --upgrade-agents, " +
                    "or upgrade these hosts by hand:" + Environment.NewLine + string.Join(Environment.NewLine, failed.Select(o => "  " + o)));
        });

    /// <summary>Upgrades or rolls back one agent host at a time, confirming each through <paramref name="registry"/>.</summary>
    AgentHostUpgrader AgentUpgrader(IAgentRegistry registry) =>
        new(AgentHostShells.Connector(AgentSshKeyPassphrase, AgentConnectTimeout), registry,
            new AgentUpgradeTimings { RegistrationTimeout = AgentRegistrationTimeout }, LogLine);

    /// <summary>The binaries Preflight verified; a resumed run fetches them again (the cache makes that cheap, and re-hashes).</summary>
    async Task<IReadOnlyDictionary<AgentPlatform, AgentBinary>> AgentBinariesAsync(IReadOnlyList<AgentHost> hosts, CancellationToken cancellationToken)
    {
        var binaries = (Run.Preflight?.AgentBinaries ?? []).ToDictionary(b => b.Platform);
        var downloader = new AgentBinaryDownloader(new GitHubReleaseSource(GitHubApiUrl, GitHubRepository, GitHubToken), AgentBinaryCacheDirectory);
        foreach (var platform in hosts.Select(h => h.Platform).Distinct().Where(p => !binaries.ContainsKey(p)))
            binaries[platform] = await downloader.GetAsync(TargetVersion, platform, cancellationToken);
        return binaries;
    }

    /// <summary>Registered agents the file does not name stay on their version: say which, so none is forgotten.</summary>
    async Task ReportAgentsOutsideTheFileAsync(AgentInventory agentList, string token, IReadOnlyList<AgentHost> hosts, CancellationToken cancellationToken)
    {
        try
        {
            var managed = hosts.Select(h => h.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var outside = (await agentList.ListAsync(ApiUri, token, cancellationToken))
                .Where(agent => !managed.Contains(agent.Hostname) && agent.IsOlderThan(TargetVersion)).ToArray();
            if (outside.Length > 0)
                Log.Warning("{Count} registered agent(s) not in the agent hosts file still run an older version; upgrade them by hand " +
                            "(nexplane-agent-<platform>-{Version} from release {Tag}): {Agents}",
                    outside.Length, TargetVersion.ToString(), TargetVersion.GitTag, string.Join("; ", outside.Select(a => a.ToString())));
        }
        catch (Exception exception) when (exception is HttpRequestException or System.Text.Json.JsonException)
        {
            Log.Warning("Agents: the agent list could not be read ({Reason}); agents outside the file are not reported", exception.Message);
        }
    }
}
