using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Steps.Backup;

namespace Nexplane.Upgrade.Tests.Steps.Backup;

/// <summary>
/// Writes a verified archive as the real backup does, next to an older verified one that retention may delete; its
/// tables show the given write counters.
/// </summary>
sealed class RecordedDatabaseBackup(IReadOnlyDictionary<string, long>? counters = null) : IDatabaseBackup
{
    public string? Version { get; private set; }
    public IReadOnlyDictionary<string, string>? Images { get; private set; }

    /// <summary>The calls in the order they were made.</summary>
    public List<string> Calls { get; } = [];

    public Task<IReadOnlyDictionary<string, long>> CaptureWriteCountersAsync(CancellationToken cancellationToken)
    {
        Calls.Add("write counters");
        return Task.FromResult(counters ?? new Dictionary<string, long>());
    }

    public Task<WrittenBackup> BackUpAsync(string nexplaneVersion, IReadOnlyDictionary<string, string> images, BackupPolicy policy,
        CancellationToken cancellationToken)
    {
        Calls.Add("back up");
        (Version, Images) = (nexplaneVersion, images);
        Write(policy.Directory, DateTimeOffset.UtcNow.AddDays(-1));
        var newest = Write(policy.Directory, DateTimeOffset.UtcNow);
        Archive = Path.Combine(policy.Directory, newest.ArchiveFile);
        return Task.FromResult(new WrittenBackup(Archive, newest.SizeBytes, Verification.Task.ContinueWith(verdict =>
        {
            verdict.GetAwaiter().GetResult();
            return newest;
        })));
    }

    /// <summary>The decode check's verdict: complete it (or fail it) when the test says the check ended.</summary>
    public TaskCompletionSource Verification { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string? Archive { get; private set; }

    static BackupManifest Write(string directory, DateTimeOffset startedAt)
    {
        var archive = new BackupFiles(directory).NewArchivePath(startedAt, "0.2.0", BackupFormat.Custom);
        var name = Path.GetFileName(archive);
        File.WriteAllText(archive, name);
        var manifest = new BackupManifest
        {
            ArchiveFile = name, Format = BackupFormat.Custom, Sha256 = BackupFiles.Sha256Of(archive), SizeBytes = name.Length,
            NexplaneVersion = "0.2.0", Images = new Dictionary<string, string>(), AlembicRevisions = ["004"],
            RowCounts = new Dictionary<string, long>(), DatabaseSizeBytes = 0, Database = "nexplane", Mode = BackupMode.Host,
            ToolVersion = "pg_dump (PostgreSQL) 15", StartedAt = startedAt, DumpSeconds = 0, VerifySeconds = 0, Verified = true,
        };
        File.WriteAllText(BackupManifest.PathFor(archive), manifest.ToJson());
        File.SetLastWriteTimeUtc(archive, startedAt.UtcDateTime);
        return manifest;
    }
}
