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
        .OnlyWhenStatic(() => NotDryRun)
        .OnlyWhenDynamic(() => AgentUpgradeRequired)
        .OnlyWhenDynamic(() => AgentsNotLeftToOperator)
        .OnlyWhenDynamic(() => NotDoneBeforeResuming(nameof(Agents)))
        .Executes(async cancellationToken =>
        {
            var hosts = Run.Preflight?.AgentHosts is { Count: > 0 } checkedHosts
                ? checkedHosts
                : AgentHostsFileReader.Load(AgentHostsFile
                    ?? throw new InvalidOperationException("The release requires an agent upgrade, but no --agent-hosts-file is given (or pass --skip-agents)."));
            await Run.UpgradeAgentsAsync(hosts, TargetVersion, AgentWaveSize,
                "Fix the cause and rerun the agents alone with the same command plus --upgrade-agents", this, cancellationToken);
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
}
