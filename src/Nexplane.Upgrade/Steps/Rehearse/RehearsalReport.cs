using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nexplane.Upgrade.Steps.Rehearse;

/// <summary>One migration the rehearsed backend ran, and how long it took.</summary>
public sealed record RehearsedMigration(string From, string To, string Description, double? Seconds);

/// <summary>
/// The predicted downtime of the real upgrade, measured on the copy as the real one is measured, from the running
/// backend's stop signal to the new backend's first healthy answer: the stop of the running version (as Stop stops
/// it), compose's <c>up</c> recreating the backend and its companions with the new images, and the new backend's start
/// to healthy (its migrations, its startup). The names of the parts are kept from the reports of earlier versions.
/// </summary>
public sealed record DowntimePrediction(double StopSeconds, double ComposeSeconds, double StartToHealthySeconds)
{
    /// <summary>On a path through stops: from the stop of the app to the target's start, every stop passed and checked.</summary>
    public double StopsOnTheWaySeconds { get; init; }

    public double Seconds => Math.Round(StopSeconds + StopsOnTheWaySeconds + ComposeSeconds + StartToHealthySeconds, 3);

    public override string ToString() =>
        $"{Seconds:0.0} s (measured on the copy: stop {StopSeconds:0.00} s, " +
        (StopsOnTheWaySeconds > 0 ? $"the stops on the way {StopsOnTheWaySeconds:0.00} s, " : "") +
        $"compose up {ComposeSeconds:0.00} s, start to healthy {StartToHealthySeconds:0.00} s)";
}

/// <summary>
/// What a rehearsal found, kept as JSON under .nuke/temp/rehearsals/ so Preflight can show it and
/// <c>--require-rehearsal</c> can ask for it. Holds no secret.
/// </summary>
public sealed record RehearsalReport
{
    public required string Id { get; init; }
    public required string ComposeFile { get; init; }
    public required string FromVersion { get; init; }
    public required string ToVersion { get; init; }
    /// <summary>The stops on the way the copy passed (or was to pass), oldest first; empty for one hop.</summary>
    public IReadOnlyList<string> Stops { get; init; } = [];
    public required DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset FinishedAt { get; init; }
    public double Seconds => Math.Round((FinishedAt - StartedAt).TotalSeconds, 3);
    public bool Passed { get; init; }
    /// <summary>The runbook step whose check failed on the copy (StartBackend, VerifyMigrations, Frontend, Verify), or where setting the copy up failed.</summary>
    public string? FailedStep { get; init; }
    public string? Reason { get; init; }
    public string? BackupFile { get; init; }

    /// <summary>The deployment's database when it was rehearsed; --require-rehearsal counts only rehearsals of the database there now.</summary>
    public Database.DatabaseIdentity? Database { get; init; }
    public IReadOnlyDictionary<string, string> Images { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<RehearsedMigration> Migrations { get; init; } = [];
    public string? MigrationHead { get; init; }
    public DowntimePrediction? PredictedDowntime { get; init; }
    public IReadOnlyList<string> Gates { get; init; } = [];
    /// <summary>The rehearsed backend's whole output when it failed, saved as StartBackend saves it.</summary>
    public string? FailureOutputFile { get; init; }
    /// <summary>Where the report was written; not part of the file.</summary>
    [JsonIgnore] public string? Path { get; init; }

    public string Verdict => Passed ? "passed" : $"FAILED at {FailedStep}";

    static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Read by operators too: "->" stays "->", not "-\u003E".
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    public static RehearsalReport FromJson(string json, string path) =>
        (JsonSerializer.Deserialize<RehearsalReport>(json, Options) ?? throw new InvalidDataException($"{path} is empty.")) with { Path = path };
}
