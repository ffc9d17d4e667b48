using System.Text.Json;
using Nexplane.Upgrade.Processes;

namespace Nexplane.Upgrade.Agents.Ansible;

/// <summary>What one host answered the probe: its machine, whether the agent binary is there, its service's state; or why it did not answer.</summary>
public sealed record AnsibleProbeAnswer(string? Machine, bool BinaryPresent, string ServiceState, string? Failure);

/// <summary>
/// Asks every host of the operator's group, through Ansible itself (one ad hoc <c>ansible</c> run with the operator's
/// inventory, so their users, keys, bastions and host key settings apply), what the built-in engine's Preflight asks over
/// SSH: <c>uname -m</c>, the agent binary, the service. That also proves each host is reachable the way the playbook will
/// reach it, before anything changes. Each host's answer is read from ansible-core's <c>tree</c> callback (one JSON file per host).
/// </summary>
public static class AnsibleInventoryProbe
{
    public const string Program = "ansible";

    /// <summary>One shell line per host, templated by Ansible with that host's own binary path and service.</summary>
    public const string Script =
        "printf 'machine=%s\\n' \"$(uname -m)\"; " +
        $"if [ -x {{{{ nexplane_agent_binary_path | default('{AgentHost.DefaultBinaryPath}') | quote }}}} ]; then echo binary=present; else echo binary=missing; fi; " +
        $"printf 'service=%s\\n' \"$(systemctl is-active {{{{ nexplane_agent_service | default('{AgentHost.DefaultService}') | quote }}}} 2>/dev/null)\"";

    /// <summary>The ad hoc run, in the inventory's directory; the tree callback (loaded for ad hoc runs too) writes each host's answer to <paramref name="resultsDirectory"/>.</summary>
    public static CommandLine Command(AnsibleInventorySource source, string resultsDirectory) =>
        new(Program, "-i", source.Path, source.Group, "-m", "ansible.builtin.shell", "-a", Script)
        {
            WorkingDirectory = source.WorkingDirectory,
            Environment = new Dictionary<string, string?>
            {
                ["ANSIBLE_LOAD_CALLBACK_PLUGINS"] = "1",
                ["ANSIBLE_CALLBACKS_ENABLED"] = "tree",
                ["ANSIBLE_CALLBACK_TREE_DIR"] = resultsDirectory,
                ["ANSIBLE_NOCOLOR"] = "1",
            },
        };

    /// <summary>Runs the probe; host inventory name -> its answer. A host without one did not answer at all.</summary>
    public static async Task<IReadOnlyDictionary<string, AnsibleProbeAnswer>> RunAsync(ICommandRunner commands, AnsibleInventorySource source, string resultsDirectory,
        CancellationToken cancellationToken)
    {
        if (Directory.Exists(resultsDirectory))
            Directory.Delete(resultsDirectory, recursive: true);
        Directory.CreateDirectory(resultsDirectory);
        // 0: all answered; 2: a host failed; 4: a host unreachable. The per-host files say which.
        var result = await commands.RunAsync(Command(source, resultsDirectory), cancellationToken: cancellationToken);
        var answers = Directory.GetFiles(resultsDirectory).ToDictionary(file => Path.GetFileName(file), file => ReadAnswer(File.ReadAllText(file)));
        if (answers.Count == 0 && !result.Succeeded)
            throw new AnsibleInventoryException($"{Program} -i {source.Path} {source.Group} (the probe of the agent hosts) failed before it reached any host " +
                                                $"(exit {result.ExitCode}): {AnsibleErrorLines.Headlines(result.StandardError, $"{Program} -i {source.Path} {source.Group} -m ping")}");
        return answers;
    }

    /// <summary>One host's tree file: the shell's <c>key=value</c> lines, or Ansible's reason it could not run them.</summary>
    public static AnsibleProbeAnswer ReadAnswer(string treeFile)
    {
        using var document = JsonDocument.Parse(treeFile);
        var root = document.RootElement;
        bool Flag(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;
        string Text(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()!.Trim() : "";
        if (Flag("unreachable"))
            return new(null, false, "", $"unreachable: {Text("msg")}");
        if (Flag("failed"))
            return new(null, false, "", $"failed: {(Text("msg").Length > 0 ? Text("msg") : Text("stderr"))}");
        var fields = Text("stdout").Split('\n').Select(line => line.Split('=', 2)).Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0].Trim(), pair => pair[1].Trim());
        return new(fields.GetValueOrDefault("machine"), fields.GetValueOrDefault("binary") == "present", fields.GetValueOrDefault("service") ?? "", null);
    }

    /// <summary>
    /// The hosts whose platform is known (declared, else as the host reports it), and what stands in the way: a host that
    /// did not answer, a platform other than declared or none Nexplane ships; for an upgrade also a missing binary or a
    /// stopped service (as the built-in engine's Preflight refuses them).
    /// </summary>
    public static (IReadOnlyList<AgentHost> Hosts, IReadOnlyList<string> Problems) Judge(IReadOnlyList<InventoryAgentHost> listed,
        IReadOnlyDictionary<string, AnsibleProbeAnswer> answers, bool forUpgrade)
    {
        var hosts = new List<AgentHost>();
        var problems = new List<string>();
        foreach (var host in listed)
        {
            if (!answers.TryGetValue(host.InventoryHostname, out var answer))
            {
                problems.Add($"{host.InventoryHostname} did not answer Ansible (no result); check it with: ansible -i <inventory> {host.InventoryHostname} -m ansible.builtin.ping");
                continue;
            }
            if (answer.Failure is not null)
            {
                problems.Add($"{host.InventoryHostname} cannot be reached through Ansible with the inventory's settings ({answer.Failure}); nothing was done on it");
                continue;
            }
            var reported = AgentPlatform.FromUnameMachine(answer.Machine ?? "");
            if (host.Platform is not null && host.Platform.IsLinux && reported != host.Platform)
            {
                problems.Add($"{host.InventoryHostname} reports machine '{answer.Machine}' ({reported?.Name ?? "no agent platform"}), but nexplane_agent_platform says {host.Platform}.");
                continue;
            }
            var platform = host.Platform ?? reported;
            if (platform is null)
            {
                problems.Add($"{host.InventoryHostname} reports machine '{answer.Machine}', for which Nexplane ships no agent; set nexplane_agent_platform or take it out of the group.");
                continue;
            }
            if (forUpgrade && !answer.BinaryPresent)
                problems.Add($"{host.InventoryHostname} has no agent binary at {host.BinaryPath}{(host.Sudo ? "" : " (or it needs ansible_become)")}. Fix nexplane_agent_binary_path in the inventory.");
            else if (forUpgrade && answer.ServiceState != "active")
                problems.Add($"{host.InventoryHostname}: the service {host.Service} is not running ({(answer.ServiceState.Length > 0 ? answer.ServiceState : "unknown")}). " +
                             "Start it, or fix nexplane_agent_service in the inventory, before upgrading.");
            hosts.Add(host.ToAgentHost(platform));
        }
        return (hosts, problems);
    }
}
