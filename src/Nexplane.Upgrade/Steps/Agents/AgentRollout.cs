using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Progress;

namespace Nexplane.Upgrade.Steps.Agents;

/// <summary>
/// Canary first, then waves: the canary host (the first marked <c>canary</c>, else the first in the file) is upgraded
/// alone; only when it succeeds do the others follow, <c>waveSize</c> hosts at a time. A failed host stops the
/// rollout after its wave: the hosts not reached keep their old, working agent and are reported as not attempted.
/// </summary>
public sealed class AgentRollout(Func<AgentHost, CancellationToken, Task<AgentHostOutcome>> upgradeHost, Action<string> log, IProgressDisplay? display = null)
{
    public static IReadOnlyList<IReadOnlyList<AgentHost>> PlanWaves(IReadOnlyList<AgentHost> hosts, int waveSize)
    {
        if (waveSize < 1)
            throw new ArgumentOutOfRangeException(nameof(waveSize), waveSize, "A wave holds at least one host.");
        if (hosts.Count == 0)
            return [];
        var canary = hosts.FirstOrDefault(h => h.Canary) ?? hosts[0];
        var waves = new List<IReadOnlyList<AgentHost>> { new[] { canary } };
        waves.AddRange(hosts.Where(h => !ReferenceEquals(h, canary)).Chunk(waveSize));
        return waves;
    }

    public async Task<IReadOnlyList<AgentHostOutcome>> RunAsync(IReadOnlyList<AgentHost> hosts, int waveSize, CancellationToken cancellationToken)
    {
        var waves = PlanWaves(hosts, waveSize);
        var outcomes = new List<AgentHostOutcome>();
        using var shown = (display ?? NoProgress.Instance).Start("Agents", ProgressUnit.Hosts, hosts.Count);
        var finished = 0;
        var counting = new Lock();
        async Task<AgentHostOutcome> UpgradeShownAsync(AgentHost host)
        {
            var outcome = await upgradeHost(host, cancellationToken);
            // Hosts of a wave end on several threads; under the lock the count never goes back.
            lock (counting)
                shown.Report(++finished);
            return outcome;
        }

        for (var index = 0; index < waves.Count; index++)
        {
            var wave = waves[index];
            var title = index == 0
                ? $"Canary: {wave[0].Name}"
                : $"Wave {index} of {waves.Count - 1}: {string.Join(", ", wave.Select(h => h.Name))}";
            log(title);
            shown.Relabel(index == 0 ? title : $"Agents, wave {index} of {waves.Count - 1} ({wave.Count} hosts)");
            var results = await Task.WhenAll(wave.Select(UpgradeShownAsync));
            foreach (var result in results)
                log($"  {result.Host}: {result.Result}, {result.Detail} ({result.Seconds:0.0} s)");
            outcomes.AddRange(results);
            if (results.All(r => r.IsSuccess))
                continue;
            var remaining = waves.Skip(index + 1).SelectMany(w => w).ToArray();
            var failed = string.Join(", ", results.Where(r => !r.IsSuccess).Select(r => r.Host));
            outcomes.AddRange(remaining.Select(host => new AgentHostOutcome(host.Name, AgentHostResult.NotAttempted, null, null,
                $"not attempted: {(index == 0 ? "the canary" : "an earlier wave")} ({failed}) failed", 0)));
            break;
        }
        return outcomes;
    }
}
