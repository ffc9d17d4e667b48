using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Operator;
using Nexplane.Upgrade.Time;

namespace Nexplane.Upgrade.Steps.Backup;

/// <summary>What Backup labels the archive with (the version and images running now), and where and how it keeps it.</summary>
public sealed record BackupInput(string RunningVersion, IReadOnlyDictionary<string, string> RunningImages, BackupPolicy Policy);

/// <summary>A backup written and hashed, whose decode check may still run: nothing may rely on it before <see cref="Verified"/> ends.</summary>
/// <param name="WriteCounters">Every table's write counters just before the backup's snapshot: Stop names the tables written since.</param>
/// <param name="CountersTakenAt">When they were taken.</param>
/// <param name="Verified">Ends with the manifest once the archive decoded completely; throws (the archive deleted) when it did not.</param>
public sealed record BackupResult(
    IReadOnlyDictionary<string, long> WriteCounters,
    DateTimeOffset CountersTakenAt,
    string Archive,
    long SizeBytes,
    Task<BackupManifest> Verified);

/// <summary>
/// Backup, the runbook's "back up the database", verified so the rollback can trust it: written (with the write counters
/// at its snapshot), then judged by its decode check, then the retention applied. The check may run beside Pull; the run
/// waits for its verdict and records the verified backup between <see cref="VerdictBeforeStopAsync"/> and
/// <see cref="ApplyRetention"/>, so older backups are deleted only once the new one is on record.
/// </summary>
public sealed class BackupStep(IRunOutput output, Clock? clock = null)
{
    readonly Clock _clock = clock ?? Clock.System;

    /// <summary>Writes and hashes the backup; returns before its decode check ends.</summary>
    public async Task<BackupResult> WriteAsync(BackupInput input, IDatabaseBackup database, CancellationToken cancellationToken)
    {
        var counters = await database.CaptureWriteCountersAsync(cancellationToken);
        var countersTakenAt = _clock.UtcNow;
        var written = await database.BackUpAsync(input.RunningVersion, input.RunningImages, input.Policy, cancellationToken);
        return new BackupResult(counters, countersTakenAt, written.Archive, written.SizeBytes, written.Verified);
    }

    /// <summary>Said of a backup whose check goes on beside Pull.</summary>
    public void SayCheckedBesidePull(BackupResult backup) =>
        output.Summary("Backup", $"{Path.GetFileName(backup.Archive)} ({ByteSize.Megabytes(backup.SizeBytes)}, checked beside Pull)");

    /// <summary>Said of a backup once verified and recorded.</summary>
    public void SayVerified(BackupManifest manifest) =>
        output.Summary("Backup", $"{manifest.ArchiveFile} ({ByteSize.Megabytes(manifest.SizeBytes)}, verified)");

    /// <summary>
    /// The verdict of a backup checked beside Pull, awaited before anything is stopped: its manifest, or a refusal that
    /// says what state the deployment is in.
    /// </summary>
    public static async Task<BackupManifest> VerdictBeforeStopAsync(BackupResult backup)
    {
        try
        {
            return await backup.Verified;
        }
        catch (BackupException exception)
        {
            throw new BackupException($"{exception.Message} The archive was deleted; nothing was stopped, the deployment still runs the previous version.");
        }
    }

    /// <summary>Once the verified backup is on record: older backups beyond the retention are deleted, the newest verified never.</summary>
    public void ApplyRetention(BackupPolicy policy)
    {
        foreach (var deleted in new BackupFiles(policy.Directory).Prune(policy.Retention))
            output.Information("Retention ({Keep}): deleted the older backup {Archive}", policy.Retention, Path.GetFileName(deleted));
    }
}
