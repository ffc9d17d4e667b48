using System.Globalization;
using System.Text.Json;

namespace Nexplane.Upgrade.Agents.Ansible;

/// <summary>
/// Each host's outcome, read back from ansible-core's <c>tree</c> callback: one JSON file per host holding the last
/// result Ansible had for it. The playbooks end every host with <see cref="AgentPlaybook.OutcomeTask"/>, whose message
/// is the outcome as JSON (<c>result</c>, <c>from</c>, <c>to</c>, <c>detail</c>, <c>seconds</c>, <c>log</c>); a host
/// whose last result is anything else (unreachable, a task error Ansible stopped at) was left mid-way and needs a look;
/// a host with no file was never reached, because an earlier batch failed.
/// </summary>
public static class AnsibleHostResults
{
    /// <param name="hosts">The hosts in rollout order.</param>
    /// <param name="treeFiles">Host name -> the text of its tree file; a host Ansible never ran has none.</param>
    /// <param name="toVersion">The version the run moved the hosts to, for the hosts that never got an outcome.</param>
    /// <param name="log">Gets each failed host's last agent log lines, as the built-in engine prints them.</param>
    public static IReadOnlyList<AgentHostOutcome> Read(IReadOnlyList<AgentHost> hosts, IReadOnlyDictionary<string, string> treeFiles, string toVersion,
        Action<string>? log = null)
    {
        var outcomes = new List<AgentHostOutcome>();
        foreach (var host in hosts)
        {
            if (!treeFiles.TryGetValue(host.AnsibleName, out var text))
            {
                outcomes.Add(new AgentHostOutcome(host.Name, AgentHostResult.NotAttempted, null, null, "", 0));
                continue;
            }
            outcomes.Add(ReadOne(host.Name, text, toVersion, log));
        }
        // Why the others never ran: the first host that failed, the canary or an earlier batch.
        var failed = outcomes.Where(o => !o.IsSuccess && o.Result != AgentHostResult.NotAttempted).Select(o => o.Host).ToArray();
        var canaryFailed = hosts.Count > 0 && failed.Contains(hosts[0].Name);
        var why = failed.Length == 0
            ? "not attempted: ansible-playbook ended before it reached this host"
            : $"not attempted: {(canaryFailed ? "the canary" : "an earlier batch")} ({string.Join(", ", failed)}) failed";
        return outcomes.Select(o => o.Result == AgentHostResult.NotAttempted ? o with { Detail = why } : o).ToArray();
    }

    static AgentHostOutcome ReadOne(string host, string text, string toVersion, Action<string>? log)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(text);
            root = document.RootElement.Clone();
        }
        catch (JsonException exception)
        {
            return new(host, AgentHostResult.NeedsHuman, null, toVersion, $"Ansible's result for the host is not JSON ({exception.Message}); check the host by hand", 0);
        }
        var message = root.TryGetProperty("msg", out var msg) ? msg : default;
        if (OutcomeOf(message) is { } outcome && outcome.TryGetProperty("result", out var resultText)
            && Enum.TryParse<AgentHostResult>(resultText.GetString(), out var result))
        {
            var detail = Text(outcome, "detail") ?? "";
            if (outcome.TryGetProperty("log", out var lines) && lines.ValueKind == JsonValueKind.Array && lines.GetArrayLength() > 0)
                log?.Invoke($"{host}: its last log lines:{Environment.NewLine}" +
                            string.Join(Environment.NewLine, lines.EnumerateArray().Select(line => "    " + line.GetString())));
            return new(host, result, Version(Text(outcome, "from")), Version(Text(outcome, "to")) ?? toVersion, detail.Trim(), Seconds(outcome));
        }
        var said = message.ValueKind == JsonValueKind.String ? message.GetString()?.Trim() : message.ValueKind == JsonValueKind.Undefined ? null : message.ToString();
        return root.TryGetProperty("unreachable", out var unreachable) && unreachable.ValueKind == JsonValueKind.True
            ? new(host, AgentHostResult.NeedsHuman, null, toVersion,
                $"became unreachable during its upgrade ({said}); whether its agent was stopped is unknown: check the host", 0)
            : new(host, AgentHostResult.NeedsHuman, null, toVersion,
                $"Ansible stopped on the host before its outcome was known ({said}); check the host", 0);
    }

    /// <summary>The outcome object: the message as JSON text, or already an object (Ansible may hand a JSON string back parsed).</summary>
    static JsonElement? OutcomeOf(JsonElement message)
    {
        if (message.ValueKind == JsonValueKind.Object)
            return message;
        if (message.ValueKind != JsonValueKind.String || message.GetString() is not { } text || !text.TrimStart().StartsWith('{'))
            return null;
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Ansible renders a missing version as an empty string or <c>None</c>.</summary>
    static string? Version(string? text) => string.IsNullOrWhiteSpace(text) || text is "None" or "null" ? null : text.Trim();

    static double Seconds(JsonElement outcome) =>
        outcome.TryGetProperty("seconds", out var value)
            ? value.ValueKind == JsonValueKind.Number ? Math.Round(value.GetDouble(), 2)
            : value.ValueKind == JsonValueKind.String && double.TryParse(value.GetString(), CultureInfo.InvariantCulture, out var parsed) ? Math.Round(parsed, 2)
            : 0
            : 0;
}
