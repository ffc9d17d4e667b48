using System.Text.Json;
using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Operator;
using Nexplane.Upgrade.Releases;

namespace Nexplane.Upgrade.Steps.Agents;

/// <summary>
/// The runbook says Nexplane warns about agents older than the control plane; the shipped code does not, so the tool
/// does: Verify for every registered agent, the Agents step for those its hosts file leaves out. A report, never a gate.
/// </summary>
public sealed class OutdatedAgentsReport(IRunOutput output)
{
    /// <summary>Every registered agent older than <paramref name="target"/>; <paramref name="whatHappensNext"/> tells the operator whether the tool deals with them.</summary>
    public async Task ReportAsync(NexplaneVersion target, string whatHappensNext, IControlPlane controlPlane, CancellationToken cancellationToken)
    {
        var (login, token) = await controlPlane.LogInAsync(cancellationToken);
        if (!login.Passed || token is null)
            return;
        try
        {
            var agents = await controlPlane.RegisteredAgentsAsync(token, cancellationToken);
            var outdated = OlderThan(target, agents);
            if (outdated.Count == 0)
                output.Information("Agents: all {Count} registered agent(s) run {Version} or newer", agents.Count, target.ToString());
            else
                output.Warning("Agents: {Count} of {Total} registered agent(s) run a version older than the control plane ({Version}): {Agents}. {WhatNext:l}",
                    outdated.Count, agents.Count, target.ToString(), Listed(outdated), whatHappensNext);
            output.Summary("Outdated agents", outdated.Count.ToString());
        }
        // A report, never a gate: an HttpClient timeout only costs the report; the caller's own cancellation still ends the run.
        catch (Exception exception) when (exception is HttpRequestException or JsonException or InvalidOperationException
                                          || exception is TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            output.Warning("Agents: the agent list could not be read ({Reason}); agent versions are not checked", exception.Message);
        }
    }

    /// <summary>Registered agents the hosts file does not name stay on their version: say which, so none is forgotten.</summary>
    public async Task ReportOutsideTheFileAsync(IControlPlane controlPlane, string token, IReadOnlyList<AgentHost> hosts, NexplaneVersion target,
        CancellationToken cancellationToken)
    {
        try
        {
            var managed = hosts.Select(h => h.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var outside = OlderThan(target, await controlPlane.RegisteredAgentsAsync(token, cancellationToken))
                .Where(agent => !managed.Contains(agent.Hostname)).ToArray();
            if (outside.Length > 0)
                output.Warning("{Count} registered agent(s) not in the agent hosts {Source:l} still run an older version; upgrade them by hand " +
                               "(nexplane-agent-<platform>-{Version} from release {Tag}): {Agents}",
                    outside.Length, hosts.Any(h => h.InventoryHostname is not null) ? "group" : "file", target.ToString(), target.GitTag, Listed(outside));
        }
        catch (Exception exception) when (exception is HttpRequestException or JsonException
                                          || exception is TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            output.Warning("Agents: the agent list could not be read ({Reason}); agents outside the file are not reported", exception.Message);
        }
    }

    static IReadOnlyList<RegisteredAgent> OlderThan(NexplaneVersion target, IEnumerable<RegisteredAgent> agents) =>
        agents.Where(agent => agent.IsOlderThan(target)).ToArray();

    static string Listed(IEnumerable<RegisteredAgent> agents) => string.Join("; ", agents.Select(a => a.ToString()));
}
