using System.Text.Json;
using System.Text.Json.Nodes;
using Nexplane.Upgrade.Processes;

namespace Nexplane.Upgrade.Agents.Ansible;

/// <summary>
/// The hosts of the operator's inventory group, as Ansible itself resolves the inventory (<c>ansible-inventory --list</c>:
/// any inventory format or plugin the operator uses, group_vars and host_vars merged into each host's variables). Per host:
/// <c>nexplane_agent_name</c> (default: the inventory name), <c>nexplane_agent_binary_path</c>, <c>nexplane_agent_service</c>,
/// <c>nexplane_agent_canary</c>, <c>nexplane_agent_platform</c>, and the operator's <c>ansible_become</c>. The listing may
/// hold the operator's secrets (become passwords): it is read in memory only, never logged or written.
/// </summary>
public static class AnsibleInventoryReader
{
    public const string Program = "ansible-inventory";

    /// <summary>The group the tool's own vars inventory orders the rollout in: an operator's group of that name would merge with it.</summary>
    public const string ReservedGroup = AgentPlaybook.RolloutGroup;

    /// <summary>Run where the inventory is, so the operator's ansible.cfg there applies (inventory plugins, vault).</summary>
    public static CommandLine ListCommand(AnsibleInventorySource source) =>
        new(Program, "-i", source.Path, "--list") { WorkingDirectory = source.WorkingDirectory };

    /// <summary>Runs <see cref="ListCommand"/> and reads the group's hosts; throws <see cref="AnsibleInventoryException"/> with every problem.</summary>
    public static async Task<IReadOnlyList<InventoryAgentHost>> ReadAsync(ICommandRunner commands, AnsibleInventorySource source, CancellationToken cancellationToken)
    {
        CommandResult result;
        try
        {
            result = await commands.RunAsync(ListCommand(source), cancellationToken: cancellationToken);
        }
        catch (CommandNotStartedException)
        {
            throw new AnsibleInventoryException($"--agent-inventory is read with {Program}, which is not installed on this machine (Debian: apt-get install ansible-core).");
        }
        if (!result.Succeeded)
            throw new AnsibleInventoryException($"{Program} -i {source.Path} --list failed (exit {result.ExitCode}): " +
                                                AnsibleErrorLines.Headlines(result.StandardError, $"{Program} -i {source.Path} --list"));
        return Parse(string.Join("\n", result.StandardOutput), source);
    }

    /// <summary>The group's hosts in the order Ansible lists them: the group's own, then each child's (recursively), each host once.</summary>
    public static IReadOnlyList<InventoryAgentHost> Parse(string listing, AnsibleInventorySource source)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(listing) as JsonObject ?? throw new AnsibleInventoryException($"{Program} --list of {source.Path} printed no JSON object.");
        }
        catch (JsonException exception)
        {
            throw new AnsibleInventoryException($"{Program} --list of {source.Path} did not print JSON: {exception.Message}");
        }
        var groups = root.Where(p => p.Key != "_meta" && p.Value is JsonObject).Select(p => p.Key).ToArray();
        if (!root.ContainsKey(source.Group) || source.Group == "_meta")
            throw new AnsibleInventoryException($"The Ansible inventory {source.Path} has no group '{source.Group}' (its groups: {string.Join(", ", groups.Order())}). " +
                                                "Name the group whose hosts run a Nexplane agent with --agent-inventory-group.");
        if (source.Group != ReservedGroup && root.ContainsKey(ReservedGroup))
            throw new AnsibleInventoryException($"The Ansible inventory {source.Path} has a group '{ReservedGroup}', the name the tool gives its own rollout order; rename that group.");

        var names = new List<string>();
        Collect(root, source.Group, names, []);
        if (names.Count == 0)
            throw new AnsibleInventoryException($"The group '{source.Group}' of the Ansible inventory {source.Path} has no hosts (nor have its children).");

        var hostVariables = root["_meta"]?["hostvars"] as JsonObject ?? new JsonObject();
        var problems = new List<string>();
        var hosts = names.Select(name => Read(name, hostVariables[name] as JsonObject ?? new JsonObject(), problems)).ToArray();
        foreach (var duplicate in hosts.GroupBy(h => h.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            problems.Add($"{string.Join(", ", duplicate.Select(h => h.InventoryHostname))} all register as agent '{duplicate.Key}'; give each its own nexplane_agent_name");
        if (problems.Count > 0)
            throw new AnsibleInventoryException($"The group '{source.Group}' of the Ansible inventory {source.Path} has {problems.Count} problem(s):" + Environment.NewLine +
                                                string.Join(Environment.NewLine, problems.Select(p => "  " + p)));
        return hosts;
    }

    static void Collect(JsonObject root, string group, List<string> names, HashSet<string> visited)
    {
        if (!visited.Add(group) || root[group] is not JsonObject node)
            return;
        foreach (var host in Names(node["hosts"]).Where(h => !names.Contains(h)))
            names.Add(host);
        foreach (var child in Names(node["children"]))
            Collect(root, child, names, visited);
    }

    static IEnumerable<string> Names(JsonNode? list) =>
        list is JsonArray array ? array.OfType<JsonValue>().Select(v => v.ToString()) : [];

    /// <summary>
    /// The variables only the run sets (in its vars inventory: the verified binary, its sha256, the version to go back
    /// to, the machines the platform runs on). The operator's host_vars and group_vars rank above an inventory file's
    /// host variables, so one of these in their inventory would silently replace the verified binary or the checksum it
    /// is checked against: such a host is refused.
    /// </summary>
    public static readonly IReadOnlyList<string> SetByTheRun =
        ["nexplane_agent_binary", "nexplane_agent_sha256", "nexplane_agent_old_version", "nexplane_agent_machines"];

    static InventoryAgentHost Read(string inventoryName, JsonObject variables, List<string> problems)
    {
        foreach (var name in SetByTheRun.Where(variables.ContainsKey))
            problems.Add($"{inventoryName}: {name} is set by the inventory, but only the upgrade may set it (the verified binary and its checksum); remove it");
        string? Text(string name)
        {
            if (variables[name] is not JsonValue value)
                return null;
            var text = value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();
            // ansible-inventory prints variables as written: a template would reach the tool unresolved.
            if (text.Contains("{{", StringComparison.Ordinal) || text.Contains("{%", StringComparison.Ordinal))
            {
                problems.Add($"{inventoryName}: {name} is a template ({text}); the tool reads it without Ansible's templating, so give a plain value");
                return null;
            }
            return string.IsNullOrWhiteSpace(text) ? null : text.Trim();
        }

        var binaryPath = Text("nexplane_agent_binary_path") ?? AgentHost.DefaultBinaryPath;
        if (!binaryPath.StartsWith('/'))
            problems.Add($"{inventoryName}: nexplane_agent_binary_path must be absolute, got '{binaryPath}'");
        AgentPlatform? platform = null;
        if (Text("nexplane_agent_platform") is { } platformName && (platform = AgentPlatform.Find(platformName)) is null)
            problems.Add($"{inventoryName}: nexplane_agent_platform '{platformName}' is not one Nexplane ships (known: {string.Join(", ", AgentPlatform.All)})");
        return new InventoryAgentHost(
            inventoryName,
            Text("nexplane_agent_name") ?? inventoryName,
            binaryPath,
            Text("nexplane_agent_service") ?? AgentHost.DefaultService,
            Boolean(Text("nexplane_agent_canary")),
            Boolean(Text("ansible_become")),
            platform);
    }

    /// <summary>What Ansible takes as true (its <c>bool</c> filter): true, yes, on, 1, y, t, in any case.</summary>
    static bool Boolean(string? text) => text?.ToLowerInvariant() is "true" or "yes" or "on" or "1" or "y" or "t";
}

/// <summary>The operator's Ansible inventory cannot give the hosts to upgrade; nothing was changed.</summary>
public sealed class AnsibleInventoryException(string message) : Exception(message);
