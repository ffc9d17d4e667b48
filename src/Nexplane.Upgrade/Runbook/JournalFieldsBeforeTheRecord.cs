using System.Text.Json;

namespace Nexplane.Upgrade.Runbook;

/// <summary>
/// Journals written before the <see cref="RunRecord"/> kept the versions, steps, backup, downtime and migrations as
/// fields of their own. An upgrade left unfinished by such a version of the tool is still resumed or rolled back: its
/// fields are read as the facts they stand for.
/// </summary>
static class JournalFieldsBeforeTheRecord
{
    sealed record CompletedStepField(string Name, DateTimeOffset CompletedAt);

    sealed record Fields(
        DateTimeOffset StartedAt,
        string? FromVersion,
        string? ToVersion,
        List<CompletedStepField>? CompletedSteps,
        string? BackupFile,
        string? MigrationHead,
        List<string>? Migrations,
        DateTimeOffset? DowntimeStartedAt,
        DateTimeOffset? DowntimeEndedAt);

    public static IReadOnlyList<RunFact> Facts(string json, JsonSerializerOptions options)
    {
        var fields = JsonSerializer.Deserialize<Fields>(json, options);
        if (fields is null)
            return [];
        // Times the old fields did not keep are the nearest the journal has: the step's end, else the upgrade's start.
        DateTimeOffset EndOf(string step) => fields.CompletedSteps?.FirstOrDefault(s => s.Name == step)?.CompletedAt ?? fields.StartedAt;
        var facts = new List<RunFact>();
        if (fields.ToVersion is not null)
            facts.Add(new VersionsChosen(fields.FromVersion, fields.ToVersion) { At = EndOf("Preflight") });
        facts.AddRange((fields.CompletedSteps ?? []).Select(step => new StepCompleted(step.Name) { At = step.CompletedAt }));
        if (fields.BackupFile is not null)
            facts.Add(new BackupVerified(fields.BackupFile) { At = EndOf("Backup") });
        if (fields.DowntimeStartedAt is { } stopped)
            facts.Add(new DowntimeBegan { At = stopped });
        if (fields.Migrations is { Count: > 0 } || fields.MigrationHead is not null)
            facts.Add(new MigrationsReported(fields.Migrations ?? [], fields.MigrationHead) { At = EndOf("StartBackend") });
        if (fields.DowntimeEndedAt is { } answered)
            facts.Add(new BackendAnswered { At = answered });
        return facts;
    }
}
