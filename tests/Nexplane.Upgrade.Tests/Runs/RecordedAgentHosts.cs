using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Runs;

namespace Nexplane.Upgrade.Tests.Runs;

/// <summary>Agent hosts and a control plane that record what the run asks, and answer as told.</summary>
sealed class RecordedAgentHosts(IReadOnlyList<RegisteredAgent> registered, params string[] failingHosts) : IAgentHosts
{
    public List<string> Calls { get; } = [];

    public Task<(VerificationGate Gate, string? Token)> LogInAsync(CancellationToken cancellationToken) =>
        Task.FromResult<(VerificationGate, string?)>((new VerificationGate("login", true, "token received"), "token"));

    public Task<IReadOnlyList<RegisteredAgent>> RegisteredAgentsAsync(string token, CancellationToken cancellationToken) => Task.FromResult(registered);

    public Task<IReadOnlyDictionary<AgentPlatform, AgentBinary>> BinariesAsync(IReadOnlyList<AgentHost> hosts, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<AgentPlatform, AgentBinary>>(hosts.Select(h => h.Platform).Distinct()
            .ToDictionary(platform => platform, platform => new AgentBinary(platform, "0.4.0", "nexplane-agent", "/cache/nexplane-agent", "ab", 1)));

    public Task<AgentHostOutcome> UpgradeAgentAsync(AgentHost host, AgentBinary binary, string token, CancellationToken cancellationToken)
    {
        lock (Calls)
            Calls.Add("upgrade " + host.Name);
        var result = failingHosts.Contains(host.Name) ? AgentHostResult.NotChanged : AgentHostResult.Upgraded;
        return Task.FromResult(new AgentHostOutcome(host.Name, result, "0.3.0", binary.Version, "done", 0));
    }
}
