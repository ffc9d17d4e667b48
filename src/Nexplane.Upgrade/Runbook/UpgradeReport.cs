using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nexplane.Upgrade.Runbook;

/// <summary>One runbook step as it ended.</summary>
public sealed record StepRecord(string Name, string Status, double Seconds, string? Note);

/// <summary>
/// What one run did, for people and machines: steps and timings, versions, image digests, the backup, the
/// migrations applied, and the downtime. Written as JSON and as a Markdown summary when the run ends.
/// </summary>
public sealed class UpgradeReport
{
    public string Id { get; init; } = DateTimeOffset.UtcNow.ToString("yyyyMMdd-HHmmss") + "-" + Environment.ProcessId;
    public DateTimeOffset StartedAt { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>
    /// The record of the upgrade this report describes (a resumed run's is the interrupted run's, so the report is the
    /// whole upgrade's): the versions, the backup, the migrations and the downtime below are read from it.
    /// </summary>
    [JsonIgnore]
    public RunRecord Record { get; internal set; } = new();

    public string? FromVersion => Record.FromVersion;
    public string? ToVersion => Record.ToVersion;
    public Dictionary<string, string> Images { get; } = new();
    public string? BackupFile => Record.BackupFile;
    public IReadOnlyList<string> Migrations => Record.Migrations;
    public string? MigrationHead => Record.MigrationHead;
    public DateTimeOffset? DowntimeStartedAt => Record.DowntimeStartedAt;
    public DateTimeOffset? DowntimeEndedAt => Record.DowntimeEndedAt;
    public double? DowntimeSeconds => DowntimeStartedAt is { } start && DowntimeEndedAt is { } end ? Math.Round((end - start).TotalSeconds, 3) : null;
    /// <summary>Seconds between the backup's snapshot and the app's stop: writes in it are not in the backup.</summary>
    public double? WriteWindowSeconds { get; set; }
    /// <summary>Tables written in that window, with how many rows were inserted, updated or deleted.</summary>
    public Dictionary<string, long> TablesWrittenAfterBackup { get; } = new();
    /// <summary>What the rollback did with the database and why: restored, or not restored because PostgreSQL proved nothing committed.</summary>
    public string? DatabaseRollback { get; set; }
    public List<StepRecord> Steps { get; } = new();
    /// <summary>Each agent host's result, when the agent step ran.</summary>
    public List<Agents.AgentHostOutcome> Agents { get; } = new();
    /// <summary>The operator's inventory group the agent hosts came from; null for the agent hosts file.</summary>
    public Agents.Ansible.AnsibleInventorySource? AgentInventory { get; set; }
    public string? Outcome { get; set; }
    public List<string> NextSteps { get; } = new();
    /// <summary>What each webhook did with each notice (webhooks named by number and host, never by URL).</summary>
    public List<string> Notifications { get; } = new();

    static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    public string ToMarkdown()
    {
        var markdown = new StringBuilder();
        markdown.AppendLine($"## Nexplane upgrade {FromVersion ?? "?"} → {ToVersion ?? "?"}: {Outcome ?? "unknown"}");
        markdown.AppendLine();
        markdown.AppendLine("| Step | Status | Seconds |");
        markdown.AppendLine("|---|---|---:|");
        foreach (var step in Steps)
            markdown.AppendLine($"| {step.Name} | {step.Status} | {step.Seconds:0.0} |");
        markdown.AppendLine();
        if (BackupFile is not null) markdown.AppendLine($"- Backup: `{BackupFile}`");
        if (MigrationHead is not null) markdown.AppendLine($"- Alembic head: `{MigrationHead}`");
        if (DowntimeSeconds is { } downtime) markdown.AppendLine($"- Downtime: {downtime:0.0} s");
        if (WriteWindowSeconds is { } window)
            markdown.AppendLine($"- Write window (backup to stop): {window:0.0} s, tables written in it: " +
                                (TablesWrittenAfterBackup.Count == 0 ? "none" : string.Join(", ", TablesWrittenAfterBackup.Select(t => $"{t.Key} ({t.Value} rows)"))));
        if (DatabaseRollback is not null) markdown.AppendLine($"- Database on rollback: {DatabaseRollback}");
        foreach (var (service, image) in Images) markdown.AppendLine($"- {service}: `{image}`");
        foreach (var agent in Agents) markdown.AppendLine($"- Agent {agent.Host}: {agent.Result} ({agent.FromVersion ?? "?"} -> {agent.ToVersion ?? "?"}, {agent.Seconds:0.0} s)");
        foreach (var notification in Notifications) markdown.AppendLine($"- Notification: {notification}");
        foreach (var next in NextSteps) markdown.AppendLine($"- Next: {next}");
        return markdown.ToString();
    }
}
