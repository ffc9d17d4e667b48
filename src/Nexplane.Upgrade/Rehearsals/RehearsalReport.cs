using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nexplane.Upgrade.Rehearsals;

/// <summary>One migration the rehearsed backend ran, and how long it took.</summary>
public sealed record RehearsedMigration(string From, string To, string Description, double? Seconds);

/// <summary>
/// The predicted downtime of the real upgrade: the stop of the old backend (estimated), the compose CLI's own start
/// (measured here), and the new backend's start to its first healthy answer (measured on the copy: creating the
/// container, the migrations, the startup).
/// </summary>
public sealed record DowntimePrediction(double StopSeconds, double ComposeSeconds, double StartToHealthySeconds)
{
    public double Seconds => Math.Round(StopSeconds + ComposeSeconds + StartToHealthySeconds, 3);

    public override string ToString() =>
        $"{Seconds:0.0} s (stop {StopSeconds:0.00} s estimated, compose {ComposeSeconds:0.00} s and start to healthy {StartToHealthySeconds:0.00} s measured)";
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
    public required DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset FinishedAt { get; init; }
    public double Seconds => Math.Round((FinishedAt - StartedAt).TotalSeconds, 3);
    public bool Passed { get; init; }
    /// <summary>The runbook step whose check failed on the copy (StartBackend, VerifyMigrations, Frontend, Verify), or where setting the copy up failed.</summary>
    public string? FailedStep { get; init; }
    public string? Reason { get; init; }
    public string? BackupFile { get; init; }
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
