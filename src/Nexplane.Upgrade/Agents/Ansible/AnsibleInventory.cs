using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nexplane.Upgrade.Agents.Ansible;

/// <summary>
/// The inventory the Ansible engine writes from the agent hosts file (<c>inventory.yml</c>, JSON, which Ansible's YAML
/// inventory reads): one group, <see cref="AgentPlaybook.Group"/>, holding the hosts in rollout order (the canary
/// first: the playbook's <c>order: inventory</c> and <c>serial: [1, N]</c> make it the first batch, alone). Each host
/// carries how to reach it (SSH with the file's key and the run's known_hosts, or a local connection), <c>become</c>
/// for <c>sudo</c>, its binary and service, and the verified binary with its sha256. No secret is written here.
/// </summary>
public static class AnsibleInventory
{
    /// <summary>The hosts in rollout order: the first marked canary, else the first, then the others as the file lists them.</summary>
    public static IReadOnlyList<AgentHost> InRolloutOrder(IReadOnlyList<AgentHost> hosts)
    {
        if (hosts.Count == 0)
            return hosts;
        var canary = hosts.FirstOrDefault(h => h.Canary) ?? hosts[0];
        return [canary, .. hosts.Where(h => !ReferenceEquals(h, canary))];
    }

    /// <param name="hosts">In the order the playbook takes them.</param>
    /// <param name="hostVariables">More variables per host (the binary to install, the version to go back to).</param>
    /// <param name="knownHostsFile">The only host keys SSH accepts: those the hosts file's fingerprints name.</param>
    public static string Write(IReadOnlyList<AgentHost> hosts, Func<AgentHost, IReadOnlyDictionary<string, JsonNode?>> hostVariables, string knownHostsFile)
    {
        var members = new JsonObject();
        foreach (var host in hosts)
        {
            var variables = AgentVariables(host, hostVariables);
            variables["ansible_become"] = host.Sudo;
            if (host.Sudo)
                variables["ansible_become_method"] = "sudo";
            if (host.Local)
            {
                variables["ansible_connection"] = "local";
                variables["ansible_python_interpreter"] = "{{ ansible_playbook_python }}";
            }
            else
            {
                variables["ansible_connection"] = "ssh";
                variables["ansible_host"] = host.Address;
                variables["ansible_port"] = host.Port;
                variables["ansible_user"] = host.User;
                variables["ansible_ssh_private_key_file"] = host.IdentityFile;
                variables["ansible_ssh_common_args"] = SshArguments(knownHostsFile);
            }
            members[host.Name] = variables;
        }
        return Document(AgentPlaybook.Group, members);
    }

    /// <summary>
    /// The vars-only inventory laid over the operator's own (<c>-i theirs -i vars-inventory.yml</c>): the same host names,
    /// each with its agent's variables and the run's (binary and sha256, or the version to go back to), all in
    /// <see cref="AgentPlaybook.RolloutGroup"/> in rollout order. No connection variable and no become: how Ansible reaches
    /// and acts on a host stays the operator's (their users, keys, bastions, host key checking, become).
    /// </summary>
    public static string WriteVars(IReadOnlyList<AgentHost> hosts, Func<AgentHost, IReadOnlyDictionary<string, JsonNode?>> hostVariables)
    {
        var members = new JsonObject();
        foreach (var host in hosts)
            members[host.AnsibleName] = AgentVariables(host, hostVariables);
        return Document(AgentPlaybook.RolloutGroup, members);
    }

    /// <summary>What the playbooks read of a host's agent, then the run's own variables.</summary>
    static JsonObject AgentVariables(AgentHost host, Func<AgentHost, IReadOnlyDictionary<string, JsonNode?>> hostVariables)
    {
        var variables = new JsonObject
        {
            ["nexplane_agent_name"] = host.Name,
            ["nexplane_agent_binary_path"] = host.BinaryPath,
            ["nexplane_agent_service"] = host.Service,
            ["nexplane_agent_platform"] = host.Platform.Name,
            ["nexplane_agent_machines"] = new JsonArray(MachinesOf(host.Platform).Select(m => (JsonNode)m).ToArray()),
        };
        foreach (var (name, value) in hostVariables(host))
            variables[name] = value?.DeepClone();
        return variables;
    }

    static string Document(string group, JsonObject members) =>
        new JsonObject { ["all"] = new JsonObject { ["children"] = new JsonObject { [group] = new JsonObject { ["hosts"] = members } } } }
            .ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + Environment.NewLine;

    /// <summary>
    /// The host keys of the run's known_hosts only (no trust on first use, no other file), the key the hosts file names,
    /// and no prompt: a host that shows another key, or wants a password, fails instead of waiting.
    /// </summary>
    public static string SshArguments(string knownHostsFile) =>
        $"-o UserKnownHostsFile={ShellQuoting.Quote(knownHostsFile)} -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes " +
        "-o IdentitiesOnly=yes -o BatchMode=yes -o ConnectTimeout=10";

    /// <summary>What <c>uname -m</c> prints on a host of <paramref name="platform"/> (as <see cref="AgentPlatform.FromUnameMachine"/> reads it).</summary>
    public static IReadOnlyList<string> MachinesOf(AgentPlatform platform) =>
        platform == AgentPlatform.LinuxAmd64 ? ["x86_64", "amd64"]
        : platform == AgentPlatform.LinuxArm64 ? ["aarch64", "arm64"]
        : [];
}
