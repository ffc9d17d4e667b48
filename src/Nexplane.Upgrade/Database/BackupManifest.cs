using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nexplane.Upgrade.Database;

/// <summary>
/// What a backup holds and how it was made, written beside the archive as <c>&lt;archive&gt;.manifest.json</c>.
/// Restore and rollback trust an archive only when its manifest says it was verified and its sha256 still matches.
/// </summary>
public sealed record BackupManifest
{
    public required string ArchiveFile { get; init; }
    public required BackupFormat Format { get; init; }
    public required string Sha256 { get; init; }
    public required long SizeBytes { get; init; }
    public required string NexplaneVersion { get; init; }
    public required IReadOnlyDictionary<string, string> Images { get; init; }
    public required IReadOnlyList<string> AlembicRevisions { get; init; }
    public required IReadOnlyDictionary<string, long> RowCounts { get; init; }
    public required long DatabaseSizeBytes { get; init; }
    public required string Database { get; init; }

    /// <summary>The database the backup was taken from; null in manifests written before it was recorded.</summary>
    public DatabaseIdentity? DatabaseIdentity { get; init; }
    public required BackupMode Mode { get; init; }
    public required string ToolVersion { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required double DumpSeconds { get; init; }
    public required double VerifySeconds { get; init; }
    public required bool Verified { get; init; }

    public static string PathFor(string archivePath) => archivePath + ".manifest.json";

    static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    public static BackupManifest Read(string manifestPath) =>
        JsonSerializer.Deserialize<BackupManifest>(File.ReadAllText(manifestPath), Options)
        ?? throw new InvalidDataException($"{manifestPath} is empty.");
}
