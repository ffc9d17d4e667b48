using System.Text.Json;
using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Operator;
using Nexplane.Upgrade.Releases;

namespace Nexplane.Upgrade.Steps.Verify;

/// <summary>What Verify checks the deployment against.</summary>
/// <param name="Target">The version the deployment must now run.</param>
/// <param name="WhatHappensToOutdatedAgents">Whether the tool deals with agents older than it, said beside them.</param>
public sealed record VerifyInput(NexplaneVersion Target, string WhatHappensToOutdatedAgents);

/// <summary>
/// Verify: the new version's gates (version, a real login, the asset inventory), each on its own line, and the agents
/// older than it; fails with every failed gate once all are shown.
/// </summary>
public sealed class VerifyStep(IRunOutput output)
{
    public async Task RunAsync(VerifyInput input, IDeploymentVerification deployment, IControlPlane controlPlane, CancellationToken cancellationToken)
    {
        var gates = await deployment.VerifyAsync(input.Target, cancellationToken);
        foreach (var gate in gates)
            output.Information("{Gate}", gate.ToString());
        await ReportOutdatedAgentsAsync(input, controlPlane, cancellationToken);
        var failed = gates.Where(g => !g.Passed).ToArray();
        output.Summary("Gates", $"{gates.Count - failed.Length}/{gates.Count} passed");
        if (failed.Length > 0)
            throw new InvalidOperationException(
                $"Verify failed {failed.Length} of {gates.Count} gate(s); the deployment does not run {input.Target} correctly:" + Environment.NewLine +
                string.Join(Environment.NewLine, failed.Select(g => "  " + g)));
    }

    /// <summary>
    /// The runbook says Nexplane warns about agents older than the control plane; the shipped code does not, so the
    /// tool does. A report, never a gate: a login or an agent list that fails only costs this report.
    /// </summary>
    async Task ReportOutdatedAgentsAsync(VerifyInput input, IControlPlane controlPlane, CancellationToken cancellationToken)
    {
        var (login, token) = await controlPlane.LogInAsync(cancellationToken);
        if (!login.Passed || token is null)
            return;
        try
        {
            var agents = await controlPlane.RegisteredAgentsAsync(token, cancellationToken);
            var outdated = agents.Where(agent => agent.IsOlderThan(input.Target)).ToArray();
            if (outdated.Length == 0)
                output.Information("Agents: all {Count} registered agent(s) run {Version} or newer", agents.Count, input.Target.ToString());
            else
                output.Warning("Agents: {Count} of {Total} registered agent(s) run a version older than the control plane ({Version}): {Agents}. {WhatNext:l}",
                    outdated.Length, agents.Count, input.Target.ToString(), string.Join("; ", outdated.Select(a => a.ToString())),
                    input.WhatHappensToOutdatedAgents);
            output.Summary("Outdated agents", outdated.Length.ToString());
        }
        catch (Exception exception) when (exception is HttpRequestException or JsonException or InvalidOperationException)
        {
            output.Warning("Agents: the agent list could not be read ({Reason}); agent versions are not checked", exception.Message);
        }
    }
}
