using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nexplane.Upgrade.Agents;

/// <summary>
/// Reads the agent hosts file (JSON): which hosts run an agent the tool may upgrade, and how to reach them.
/// Every problem in the file is collected, so one run tells the operator all there is to fix.
/// <code>
/// { "defaults": { "user": "deploy", "identityFile": "~/.ssh/nexplane", "sudo": true },
///   "hosts": [ { "name": "web-01", "address": "10.0.0.5", "hostKeySha256": "SHA256:...", "platform": "linux-amd64", "canary": true },
///              { "name": "docker-host", "connection": "local", "platform": "linux-amd64" } ] }
/// </code>
/// Relative <c>identityFile</c> paths are relative to the file's directory; <c>defaults</c> fills what a host leaves out.
/// <c>"connection": "local"</c> (default <c>"ssh"</c>) is the agent on the machine the tool runs on: no SSH fields.
/// </summary>
public static class AgentHostsFileReader
{
    static readonly string[] KnownFields =
        ["name", "connection", "address", "port", "user", "identityFile", "hostKeySha256", "platform", "binaryPath", "service", "canary", "sudo"];

    /// <summary>What only an SSH host has; a local host that sets them is refused rather than silently ignored.</summary>
    static readonly string[] SshFields = ["address", "port", "user", "identityFile", "hostKeySha256"];

    public static IReadOnlyList<AgentHost> Load(string path)
    {
        if (!File.Exists(path))
            throw new AgentHostsFileException($"The agent hosts file {path} does not exist.");
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException exception)
        {
            throw new AgentHostsFileException($"The agent hosts file {path} is not valid JSON: {exception.Message}");
        }
        if (root is not JsonObject document || document["hosts"] is not JsonArray hostNodes)
            throw new AgentHostsFileException($"The agent hosts file {path} needs a \"hosts\" array.");

        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var defaults = document["defaults"] as JsonObject ?? new JsonObject();
        var problems = new List<string>();
        var hosts = new List<AgentHost>();
        for (var index = 0; index < hostNodes.Count; index++)
        {
            if (hostNodes[index] is not JsonObject node)
            {
                problems.Add($"hosts[{index}] is not an object");
                continue;
            }
            if (Read(node, defaults, index, directory, problems) is { } host)
                hosts.Add(host);
        }
        foreach (var duplicate in hosts.GroupBy(h => h.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            problems.Add($"host name '{duplicate.Key}' appears {duplicate.Count()} times");
        if (hostNodes.Count == 0)
            problems.Add("\"hosts\" is empty");
        if (problems.Count > 0)
            throw new AgentHostsFileException($"The agent hosts file {path} has {problems.Count} problem(s):" + Environment.NewLine +
                                              string.Join(Environment.NewLine, problems.Select(p => "  " + p)));
        return hosts;
    }

    static AgentHost? Read(JsonObject node, JsonObject defaults, int index, string directory, List<string> problems)
    {
        var where = node["name"] is JsonValue named && named.TryGetValue(out string? label) ? $"host '{label}'" : $"hosts[{index}]";
        foreach (var field in node.Select(p => p.Key).Where(k => !KnownFields.Contains(k)))
            problems.Add($"{where}: unknown field \"{field}\" (known: {string.Join(", ", KnownFields)})");

        string? Text(string field) =>
            (node[field] ?? defaults[field]) is JsonValue value && value.TryGetValue(out string? text) && !string.IsNullOrWhiteSpace(text) ? text.Trim() : null;
        string Required(string field)
        {
            var text = Text(field);
            if (text is null)
                problems.Add($"{where}: \"{field}\" is missing");
            return text ?? "";
        }
        bool Flag(string field) => (node[field] ?? defaults[field]) is JsonValue value && value.TryGetValue(out bool flag) && flag;

        var name = Required("name");
        var connection = Text("connection") ?? "ssh";
        if (connection is not ("ssh" or "local"))
            problems.Add($"{where}: \"connection\" must be \"ssh\" or \"local\", got '{connection}'");
        var platformName = Required("platform");
        var platform = AgentPlatform.Find(platformName);
        if (platform is null && platformName.Length > 0)
            problems.Add($"{where}: platform '{platformName}' is not one Nexplane ships (known: {string.Join(", ", AgentPlatform.All)})");
        var binaryPath = Text("binaryPath") ?? "/usr/local/bin/nexplane-agent";
        var service = Text("service") ?? "nexplane-agent.service";
        if (!binaryPath.StartsWith('/'))
            problems.Add($"{where}: \"binaryPath\" must be absolute, got '{binaryPath}'");

        // What every host has; an SSH host adds how to reach it.
        AgentHost Host(AgentPlatform known, bool local) => new()
        {
            Name = name,
            Local = local,
            Platform = known,
            BinaryPath = binaryPath,
            Service = service,
            Canary = Flag("canary"),
            Sudo = Flag("sudo"),
        };

        if (connection == "local")
        {
            // Only the host's own fields count here: defaults usually carry the SSH user and key for the others.
            foreach (var field in SshFields.Where(node.ContainsKey))
                problems.Add($"{where}: \"{field}\" is for SSH hosts; a \"local\" host runs its commands on this machine");
            return platform is null || name.Length == 0 ? null : Host(platform, local: true);
        }

        var address = Required("address");
        var user = Required("user");
        var identity = Required("identityFile");
        var fingerprint = Required("hostKeySha256");

        var port = 22;
        if ((node["port"] ?? defaults["port"]) is { } portNode && (!(portNode is JsonValue portValue && portValue.TryGetValue(out port)) || port is < 1 or > 65535))
            problems.Add($"{where}: \"port\" must be a number from 1 to 65535");
        if (fingerprint.Length > 0 && !fingerprint.StartsWith("SHA256:", StringComparison.Ordinal))
            problems.Add($"{where}: \"hostKeySha256\" must look like ssh-keygen -lf prints it: SHA256:<base64>");
        if (identity.StartsWith("~/", StringComparison.Ordinal))
            identity = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), identity[2..]);
        if (identity.Length > 0)
        {
            identity = Path.GetFullPath(identity, directory);
            if (!File.Exists(identity))
                problems.Add($"{where}: identity file {identity} does not exist");
        }

        if (platform is null || name.Length == 0 || address.Length == 0 || user.Length == 0 || fingerprint.Length == 0 || identity.Length == 0)
            return null;
        return Host(platform, local: false) with { Address = address, Port = port, User = user, IdentityFile = identity, HostKeySha256 = fingerprint };
    }
}

/// <summary>The agent hosts file is missing or wrong; nothing was changed.</summary>
public sealed class AgentHostsFileException(string message) : Exception(message);
