using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Agents.Ansible;
using Nexplane.Upgrade.Operator;
using Nexplane.Upgrade.Releases;

namespace Nexplane.Upgrade.Steps.Agents;

/// <summary>What the Agents step acts on.</summary>
/// <param name="Hosts">The hosts to upgrade (see <see cref="AgentsStep.HostsToUpgrade"/>).</param>
/// <param name="Target">The version the control plane now runs, and the agents are moved to.</param>
public sealed record AgentsInput(IReadOnlyList<AgentHost> Hosts, NexplaneVersion Target, AgentsSettings Settings)
{
    /// <summary>The binaries Preflight downloaded and verified; the others (a resumed run's) are fetched again.</summary>
    public IReadOnlyList<AgentBinary> VerifiedBinaries { get; init; } = [];
}

/// <summary>What the Agents step leaves for the run's record: each host's outcome, in the rollout's order.</summary>
public sealed record AgentsResult(IReadOnlyList<AgentHostOutcome> Outcomes)
{
    /// <summary>What moved the hosts: a rollback of the upgrade puts them back through the same engine.</summary>
    public AgentEngine Engine { get; init; } = AgentEngine.Ssh;

    /// <summary>The inventory group the hosts came from (null: the agent hosts file): a rollback reads it again.</summary>
    public AnsibleInventorySource? Inventory { get; init; }

    /// <summary>The hosts this step moved to the new version: a rollback of the upgrade puts their old binaries back.</summary>
    public IEnumerable<AgentHostOutcome> Moved => Outcomes.Where(o => o.Result == AgentHostResult.Upgraded);

    /// <summary>The hosts not on the new version (failed, or never attempted after a failure).</summary>
    public IReadOnlyList<AgentHostOutcome> LeftBehind => Outcomes.Where(o => !o.IsSuccess).ToArray();
}

/// <summary>
/// Agents: the hosts upgraded to the control plane's version canary first, then in waves, stopping after the first wave
/// with a failed host; then the registered agents the hosts file leaves out, when older, are named. A failed agent
/// never rolls the control plane back (older agents keep working against it): the step fails and says how to go on.
/// </summary>
public sealed class AgentsStep(IRunOutput output)
{
    /// <summary>
    /// The hosts the Agents step upgrades: those Preflight checked, else (a resumed run, or the step alone) the hosts
    /// file read again. Read before anything else of the deployment is touched, so a missing file fails first.
    /// </summary>
    public static IReadOnlyList<AgentHost> HostsToUpgrade(IReadOnlyList<AgentHost> checkedByPreflight, string? hostsFile, OperatorAdvice advice) =>
        checkedByPreflight is { Count: > 0 }
            ? checkedByPreflight
            : AgentHostsFileReader.Load(hostsFile
                ?? throw new InvalidOperationException($"The release requires an agent upgrade, but no {advice.Flag(Setting.AgentHostsFile)} is given (or pass {advice.Flag(Setting.SkipAgents)})."));

    /// <summary>
    /// The hosts of an inventory group, when Preflight did not check them (a resumed run, or the step alone): read and
    /// asked through Ansible again, and refused, with nothing touched, when one cannot be upgraded.
    /// </summary>
    public static IReadOnlyList<AgentHost> HostsOfInventory(AnsibleInventorySource inventory, AnsibleInventoryHostsResult found) =>
        found.Problems.Count == 0
            ? found.Hosts
            : throw new InvalidOperationException($"The agent hosts of {inventory} cannot be upgraded; no agent host was touched:" + Environment.NewLine +
                                                  string.Join(Environment.NewLine, found.Problems.Select(p => "  " + p)));

    /// <summary>
    /// Upgrades the hosts and returns their outcomes; fails, naming each host left behind, when one is not on the target.
    /// </summary>
    /// <param name="keep">
    /// Gets the outcomes as soon as the rollout ends, before anything else can fail: the run records which hosts moved,
    /// so a later rollback of the upgrade finds them.
    /// </param>
    public async Task<AgentsResult> RunAsync(AgentsInput input, IAgentHosts agents, Action<AgentsResult> keep, CancellationToken cancellationToken)
    {
        var hosts = input.Hosts;
        var target = input.Target;
        var binaries = await agents.BinariesAsync(hosts, input.VerifiedBinaries, target, cancellationToken);

        var (login, token) = await agents.LogInAsync(cancellationToken);
        if (!login.Passed || token is null)
            throw new InvalidOperationException($"The agent step confirms each agent through the control plane, but the login failed: {login.Detail}. No agent host was touched.");

        output.Information("Agents: upgrading {Count} host(s) to {Version}, canary first, then waves of {WaveSize}{Engine:l}",
            hosts.Count, target.ToString(), input.Settings.WaveSize,
            input.Settings.Inventory is { } inventory ? $", through Ansible, from {inventory}"
            : input.Settings.Engine == AgentEngine.Ansible ? ", through Ansible" : "");
        var outcomes = input.Settings.Engine == AgentEngine.Ansible
            ? await UpgradeWithAnsibleAsync(input, agents, binaries, token, cancellationToken)
            : await new AgentRollout((host, cancellation) => agents.UpgradeAgentAsync(host, binaries[host.Platform], token, cancellation),
                    output.Line, output.Progress)
                .RunAsync(hosts, input.Settings.WaveSize, cancellationToken);
        var result = new AgentsResult(outcomes) { Engine = input.Settings.Engine, Inventory = input.Settings.Inventory };
        keep(result);
        output.Summary("Agents", string.Join(", ", result.Outcomes.GroupBy(o => o.Result).Select(g => $"{g.Count()} {g.Key}")));

        await new OutdatedAgentsReport(output).ReportOutsideTheFileAsync(agents, token, hosts, target, cancellationToken);
        var failed = result.LeftBehind;
        if (failed.Count > 0)
            throw new InvalidOperationException(
                $"{failed.Count} of {result.Outcomes.Count} agent host(s) are not on {target}; the control plane stays upgraded and healthy " +
                $"(older agents keep working against it). {input.Settings.RerunAdvice}, " +
                "or upgrade these hosts by hand:" + Environment.NewLine + string.Join(Environment.NewLine, failed.Select(o => "  " + o)));
        return result;
    }

    /// <summary>ansible-playbook runs the canary and the batches; each host's outcome is said as the built-in rollout says it.</summary>
    async Task<IReadOnlyList<AgentHostOutcome>> UpgradeWithAnsibleAsync(AgentsInput input, IAgentHosts agents,
        IReadOnlyDictionary<AgentPlatform, AgentBinary> binaries, string token, CancellationToken cancellationToken)
    {
        using var shown = output.Progress.Start("Agents (Ansible)", Progress.ProgressUnit.Hosts, input.Hosts.Count);
        var outcomes = await agents.UpgradeAgentsWithAnsibleAsync(input.Hosts, binaries, input.Target, input.Settings.WaveSize, token, cancellationToken);
        shown.Report(outcomes.Count(o => o.Result != AgentHostResult.NotAttempted));
        foreach (var outcome in outcomes)
            output.Line($"  {outcome.Host}: {outcome.Result}, {outcome.Detail} ({outcome.Seconds:0.0} s)");
        return outcomes;
    }
}
