using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Operator;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Steps.Agents;

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
    /// <summary>Returns the gates, all passed; throws <see cref="VerificationFailedException"/> with every gate when one failed.</summary>
    public async Task<IReadOnlyList<VerificationGate>> RunAsync(VerifyInput input, IDeploymentVerification deployment, IControlPlane controlPlane,
        CancellationToken cancellationToken)
    {
        var gates = await deployment.VerifyAsync(input.Target, cancellationToken);
        foreach (var gate in gates)
            output.Information("{Gate}", gate.ToString());
        await new OutdatedAgentsReport(output).ReportAsync(input.Target, input.WhatHappensToOutdatedAgents, controlPlane, cancellationToken);
        var failed = gates.Where(g => !g.Passed).ToArray();
        output.Summary("Gates", $"{gates.Count - failed.Length}/{gates.Count} passed");
        if (failed.Length > 0)
            throw new VerificationFailedException(gates,
                $"Verify failed {failed.Length} of {gates.Count} gate(s); the deployment does not run {input.Target} correctly:" + Environment.NewLine +
                string.Join(Environment.NewLine, failed.Select(g => "  " + g)));
        return gates;
    }
}

/// <summary>Verify judged at least one gate failed; <see cref="Gates"/> holds every gate it judged.</summary>
public sealed class VerificationFailedException(IReadOnlyList<VerificationGate> gates, string message) : InvalidOperationException(message)
{
    public IReadOnlyList<VerificationGate> Gates { get; } = gates;
}
