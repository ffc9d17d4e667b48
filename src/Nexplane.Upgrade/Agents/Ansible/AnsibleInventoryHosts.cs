using Nexplane.Upgrade.Processes;

namespace Nexplane.Upgrade.Agents.Ansible;

/// <summary>The agent hosts of an inventory group as Ansible lists them and reaches them, with what stands in the way.</summary>
public sealed record AnsibleInventoryHostsResult(IReadOnlyList<AgentHost> Hosts, IReadOnlyList<string> Problems);

/// <summary>
/// The hosts of <c>--agent-inventory</c>'s group: read with <c>ansible-inventory</c>, then asked through <c>ansible</c>
/// (<see cref="AnsibleInventoryProbe"/>). Preflight, the Agents step run alone, and a rollback all take them this way.
/// </summary>
public sealed class AnsibleInventoryHosts(ICommandRunner commands, AnsibleInventorySource source)
{
    /// <param name="resultsDirectory">Where the probe's per-host answers are written (beside the run's report).</param>
    /// <param name="forUpgrade">Also refuse a host without the agent binary or a running service.</param>
    public async Task<AnsibleInventoryHostsResult> LoadAsync(string resultsDirectory, bool forUpgrade, CancellationToken cancellationToken)
    {
        try
        {
            var listed = await AnsibleInventoryReader.ReadAsync(commands, source, cancellationToken);
            var answers = await AnsibleInventoryProbe.RunAsync(commands, source, resultsDirectory, cancellationToken);
            var (hosts, problems) = AnsibleInventoryProbe.Judge(listed, answers, forUpgrade);
            return new(hosts, problems);
        }
        catch (AnsibleInventoryException exception)
        {
            return new([], [exception.Message]);
        }
        catch (CommandNotStartedException)
        {
            return new([], [$"--agent-inventory is read and probed with Ansible ({AnsibleInventoryReader.Program}, {AnsibleInventoryProbe.Program}), which is not installed on this machine (Debian: apt-get install ansible-core)."]);
        }
    }
}
