using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Steps.Agents;

namespace Nexplane.Upgrade.Tests.Steps.Agents;

/// <summary>Agent hosts and a control plane that record what the step asks, and answer as told.</summary>
sealed class RecordedAgentHosts(IReadOnlyList<RegisteredAgent> registered, params string[] failingHosts) : IAgentHosts
{
    public List<string> Calls { get; } = [];

    /// <summary>Each request for the binaries: the version, and the binaries it said were verified already.</summary>
    public List<string> BinaryRequests { get; } = [];

    /// <summary>False: the operator's login fails, as with a changed password.</summary>
    public bool LoginPasses { get; init; } = true;

    /// <summary>What reading the agent list throws instead of answering (a timeout, an HTTP error); null: it answers.</summary>
    public Exception? AgentListFailure { get; init; }

    public Task<(VerificationGate Gate, string? Token)> LogInAsync(CancellationToken cancellationToken) =>
        Task.FromResult<(VerificationGate, string?)>(LoginPasses
            ? (new VerificationGate("login", true, "token received"), "token")
            : (new VerificationGate("login", false, "401 Unauthorized"), null));

    public Task<IReadOnlyList<RegisteredAgent>> RegisteredAgentsAsync(string token, CancellationToken cancellationToken)
    {
        lock (Calls)
            Calls.Add("list agents");
        return AgentListFailure is { } failure ? Task.FromException<IReadOnlyList<RegisteredAgent>>(failure) : Task.FromResult(registered);
    }

    public Task<IReadOnlyDictionary<AgentPlatform, AgentBinary>> BinariesAsync(IReadOnlyList<AgentHost> hosts, IReadOnlyList<AgentBinary> verified,
        Nexplane.Upgrade.Releases.NexplaneVersion target, CancellationToken cancellationToken)
    {
        lock (BinaryRequests)
            BinaryRequests.Add($"binaries for {target}, verified before: " + (verified.Count == 0 ? "none" : string.Join(", ", verified.Select(b => b.FilePath))));
        return Task.FromResult<IReadOnlyDictionary<AgentPlatform, AgentBinary>>(hosts.Select(h => h.Platform).Distinct()
            .ToDictionary(platform => platform, platform => verified.FirstOrDefault(b => b.Platform == platform)
                ?? new AgentBinary(platform, target.ToString(), "nexplane-agent", "/cache/nexplane-agent", "ab", 1)));
    }

    public Task<AgentHostOutcome> UpgradeAgentAsync(AgentHost host, AgentBinary binary, string token, CancellationToken cancellationToken)
    {
        lock (Calls)
            Calls.Add("upgrade " + host.Name);
        var result = failingHosts.Contains(host.Name) ? AgentHostResult.NotChanged : AgentHostResult.Upgraded;
        return Task.FromResult(new AgentHostOutcome(host.Name, result, "0.3.0", binary.Version, "done", 0));
    }

    public Task<IReadOnlyList<AgentHostOutcome>> UpgradeAgentsWithAnsibleAsync(IReadOnlyList<AgentHost> hosts, IReadOnlyDictionary<AgentPlatform, AgentBinary> binaries,
        Nexplane.Upgrade.Releases.NexplaneVersion target, int waveSize, string token, CancellationToken cancellationToken)
    {
        lock (Calls)
            Calls.Add($"ansible-playbook {string.Join(", ", hosts.Select(h => h.Name))} in batches of {waveSize}");
        // As the playbook ends: a failing host is rolled back and the hosts after it are never reached.
        var failedAt = hosts.Select((host, index) => (host, index)).FirstOrDefault(h => failingHosts.Contains(h.host.Name), (null!, hosts.Count)).index;
        return Task.FromResult<IReadOnlyList<AgentHostOutcome>>(hosts.Select((host, index) => index < failedAt
            ? new AgentHostOutcome(host.Name, AgentHostResult.Upgraded, "0.3.0", target.ToString(), "done", 0)
            : index == failedAt
                ? new AgentHostOutcome(host.Name, AgentHostResult.RolledBack, "0.3.0", target.ToString(), "done", 0)
                : new AgentHostOutcome(host.Name, AgentHostResult.NotAttempted, null, null, "not attempted", 0)).ToArray());
    }
}
