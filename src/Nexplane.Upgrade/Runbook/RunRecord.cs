using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nexplane.Upgrade.Runbook;

/// <summary>
/// The one record of an upgrade: what happened, in order, appended and never changed. The journal saves it after every
/// entry (a killed run leaves it behind), the report and a resumed run read it, so no fact is kept twice.
/// </summary>
[JsonConverter(typeof(RunRecordJson))]
public sealed class RunRecord
{
    readonly List<RunFact> _facts;
    readonly Lock _appending = new();

    public RunRecord(IEnumerable<RunFact>? facts = null) => _facts = [.. facts ?? []];

    /// <summary>Told after every entry (the journal saves itself).</summary>
    public event Action? Appended;

    public IReadOnlyList<RunFact> Facts
    {
        get
        {
            lock (_appending)
                return [.. _facts];
        }
    }

    public void Append(RunFact fact)
    {
        lock (_appending)
            _facts.Add(fact);
        Appended?.Invoke();
    }

    IEnumerable<T> All<T>() where T : RunFact => Facts.OfType<T>();

    public string? FromVersion => All<VersionsChosen>().LastOrDefault()?.From;

    public string? ToVersion => All<VersionsChosen>().LastOrDefault()?.To;

    /// <summary>The steps that finished, each once, in the order they first did.</summary>
    public IReadOnlyList<StepCompleted> CompletedSteps => All<StepCompleted>().DistinctBy(step => step.Name).ToArray();

    public string? BackupFile => All<BackupVerified>().LastOrDefault()?.File;

    /// <summary>When the downtime began: the first Stop's (a resumed run that stops again keeps it).</summary>
    public DateTimeOffset? DowntimeStartedAt => All<DowntimeBegan>().FirstOrDefault()?.At;

    /// <summary>When the new backend last came up answering: the downtime's end.</summary>
    public DateTimeOffset? DowntimeEndedAt => All<BackendAnswered>().LastOrDefault()?.At;

    /// <summary>The stops on the way the upgrade passed, in order, each once.</summary>
    public IReadOnlyList<StopPassed> PassedStops => All<StopPassed>().DistinctBy(stop => stop.Version).ToArray();

    /// <summary>Every migration the backend's log reported, each once (a resumed run's backend repeats its log).</summary>
    public IReadOnlyList<string> Migrations => All<MigrationsReported>().SelectMany(report => report.Migrations).Distinct().ToArray();

    /// <summary>
    /// The head the backend's log last named: what VerifyMigrations checks the database against. A later start that had
    /// nothing pending (a resumed run's) names none and leaves it.
    /// </summary>
    public string? HeadFromLogs => All<MigrationsReported>().LastOrDefault(report => report.Head is not null)?.Head;

    /// <summary>The head as VerifyMigrations found it, else as the log named it.</summary>
    public string? MigrationHead => All<MigrationsVerified>().LastOrDefault()?.Head ?? HeadFromLogs;

    /// <summary>Saved as the list of its facts.</summary>
    sealed class RunRecordJson : JsonConverter<RunRecord>
    {
        public override RunRecord Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            new(JsonSerializer.Deserialize<List<RunFact>>(ref reader, options));

        public override void Write(Utf8JsonWriter writer, RunRecord value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value.Facts, options);
    }
}
