using Nexplane.Upgrade.Database;

namespace Nexplane.Upgrade.Steps.Backup;

/// <summary>The deployment's database as Backup uses it; tests record the calls instead of making them.</summary>
public interface IDatabaseBackup
{
    /// <summary>Every table's write counters (PostgreSQL's own, no scan).</summary>
    Task<IReadOnlyDictionary<string, long>> CaptureWriteCountersAsync(CancellationToken cancellationToken);

    /// <summary>
    /// A backup labelled with the running version and images, returned once written; its <see cref="WrittenBackup.Verified"/>
    /// ends with the manifest, or throws when the archive does not verify.
    /// </summary>
    Task<WrittenBackup> BackUpAsync(string nexplaneVersion, IReadOnlyDictionary<string, string> images, BackupPolicy policy,
        CancellationToken cancellationToken);
}
