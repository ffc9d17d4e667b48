using Nexplane.Upgrade.Backend;
using System.Text.Json;
using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Releases;

namespace Nexplane.Upgrade.Runs;

/// <summary>
/// The agents: reported when older than the control plane, and (when the release requires it) upgraded canary first,
/// then in waves. A failed agent never rolls the control plane back: older agents keep working against it.
/// </summary>
public sealed partial class UpgradeRun
{
    /// <summary>The release notes on the upgrade path require an agent upgrade (this run's Preflight, or the resumed upgrade's journal).</summary>
    public bool AgentUpgradeRequired => Preflight?.Path?.AgentUpgradeRequired ?? Journal?.AgentUpgradeRequired ?? false;

    /// <summary>
    /// The hosts the Agents step upgrades: those Preflight checked, else (a resumed run, or the step alone) the hosts
    /// file read again. Read before anything else of the deployment is touched, so a missing file fails first.
    /// </summary>
    public IReadOnlyList<AgentHost> AgentHostsToUpgrade(AgentSettings settings) =>
        Preflight?.AgentHosts is { Count: > 0 } checkedHosts
            ? checkedHosts
            : AgentHostsFileReader.Load(settings.HostsFile
                ?? throw new InvalidOperationException($"The release requires an agent upgrade, but no {Setting.AgentHostsFile.Flag()} is given (or pass {Setting.SkipAgents.Flag()})."));

    /// <summary>
    /// Upgrades <paramref name="hosts"/> to <paramref name="target"/> and records the hosts it moved in the journal,
    /// for a later rollback. <paramref name="rerunAdvice"/> tells how to rerun the agents alone.
    /// </summary>
    public async Task UpgradeAgentsAsync(IReadOnlyList<AgentHost> hosts, NexplaneVersion target, int waveSize, string rerunAdvice,
        IAgentHosts agents, CancellationToken cancellationToken)
    {
        var binaries = await agents.BinariesAsync(hosts, cancellationToken);

        var (login, token) = await agents.LogInAsync(cancellationToken);
        if (!login.Passed || token is null)
            throw new InvalidOperationException($"The agent step confirms each agent through the control plane, but the login failed: {login.Detail}. No agent host was touched.");

        output.Information("Agents: upgrading {Count} host(s) to {Version}, canary first, then waves of {WaveSize}",
            hosts.Count, target.ToString(), waveSize);
        var outcomes = await new AgentRollout((host, cancellation) => agents.UpgradeAgentAsync(host, binaries[host.Platform], token, cancellation), output.Line, output.Progress)
            .RunAsync(hosts, waveSize, cancellationToken);
        Report.Agents.AddRange(outcomes);
        if (Journal is not null)
        {
            // A later rollback of this upgrade puts these hosts' old binaries back.
            foreach (var upgraded in outcomes.Where(o => o.Result == AgentHostResult.Upgraded))
                Journal.UpgradedAgents[upgraded.Host] = upgraded.FromVersion;
            Journal.Save();
        }
        output.Summary("Agents", string.Join(", ", outcomes.GroupBy(o => o.Result).Select(g => $"{g.Count()} {g.Key}")));

        await ReportAgentsOutsideTheFileAsync(agents, token, hosts, target, cancellationToken);
        var failed = outcomes.Where(o => !o.IsSuccess).ToArray();
        if (failed.Length > 0)
            throw new InvalidOperationException(
                $"{failed.Length} of {outcomes.Count} agent host(s) are not on {target}; the control plane stays upgraded and healthy " +
                $"(older agents keep working against it). {rerunAdvice}, " +
                "or upgrade these hosts by hand:" + Environment.NewLine + string.Join(Environment.NewLine, failed.Select(o => "  " + o)));
    }

    /// <summary>Registered agents the file does not name stay on their version: say which, so none is forgotten.</summary>
    async Task ReportAgentsOutsideTheFileAsync(IControlPlane controlPlane, string token, IReadOnlyList<AgentHost> hosts, NexplaneVersion target,
        CancellationToken cancellationToken)
    {
        try
        {
            var managed = hosts.Select(h => h.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var outside = OlderThan(target, await controlPlane.RegisteredAgentsAsync(token, cancellationToken))
                .Where(agent => !managed.Contains(agent.Hostname)).ToArray();
            if (outside.Length > 0)
                output.Warning("{Count} registered agent(s) not in the agent hosts file still run an older version; upgrade them by hand " +
                               "(nexplane-agent-<platform>-{Version} from release {Tag}): {Agents}",
                    outside.Length, target.ToString(), target.GitTag, Listed(outside));
        }
        catch (Exception exception) when (exception is HttpRequestException or JsonException)
        {
            output.Warning("Agents: the agent list could not be read ({Reason}); agents outside the file are not reported", exception.Message);
        }
    }

    static IReadOnlyList<RegisteredAgent> OlderThan(NexplaneVersion target, IEnumerable<RegisteredAgent> agents) =>
        agents.Where(agent => agent.IsOlderThan(target)).ToArray();

    static string Listed(IEnumerable<RegisteredAgent> agents) => string.Join("; ", agents.Select(a => a.ToString()));
}
