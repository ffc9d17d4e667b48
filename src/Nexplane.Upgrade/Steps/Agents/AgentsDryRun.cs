using Nexplane.Upgrade.Agents;

namespace Nexplane.Upgrade.Steps.Agents;

/// <summary>Agents' line in the dry run: why it would not run, or the canary and the waves.</summary>
public static class AgentsDryRun
{
    /// <param name="skipped">Why the step would not run; null when it runs.</param>
    /// <param name="waves">The canary, then the waves.</param>
    public static StepPlan Plan(string? skipped, IReadOnlyList<IReadOnlyList<AgentHost>> waves) =>
        skipped is not null
            ? new($"skipped: {skipped}")
            : new("upgrade the agent hosts, each rolled back on its own if it does not register",
                waves.Select((wave, index) => index == 0
                    ? $"canary: {wave[0]}"
                    : $"wave {index} of {waves.Count - 1}: {string.Join(", ", wave.Select(host => host.ToString()))}").ToArray());
}
