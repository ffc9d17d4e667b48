using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Operator;

namespace Nexplane.Upgrade.Steps.Rehearse;

/// <summary>Which backup the copy is loaded from: an existing archive, or null for a fresh backup, and why.</summary>
public sealed record RehearsalBackupChoice(string? Archive, string Reason)
{
    public bool TakeFreshBackup => Archive is null;
}

/// <summary>
/// Chooses the rehearsal's backup: the operator's <c>--backup-file</c>; else the newest verified backup of the
/// running version, taken from the database the deployment uses now, that is younger than the age limit (a rehearsal on
/// old data, or on an earlier installation's, misses what is there now); else none, and a fresh one is taken.
/// </summary>
public static class RehearsalBackup
{
    public static RehearsalBackupChoice Choose(
        string? backupFile,
        IReadOnlyList<(string Archive, BackupManifest? Manifest, DateTime TakenAt)> backups,
        string runningVersion,
        DateTimeOffset now,
        TimeSpan maxAge,
        Func<string, BackupManifest, bool> stillMatchesSha256,
        DatabaseIdentity liveDatabase,
        OperatorAdvice advice)
    {
        if (backupFile is not null)
            return new(backupFile, advice.Flag(Setting.BackupFile));
        var ofRunningVersion = backups
            .Where(entry => entry.Manifest is { Verified: true } manifest && manifest.NexplaneVersion == runningVersion)
            .ToArray();
        if (ofRunningVersion.Length == 0)
            return new(null, $"no verified backup of the running version {runningVersion}");
        ofRunningVersion = ofRunningVersion
            .Where(entry => entry.Manifest!.DatabaseIdentity is { } taken && taken.DifferenceFrom(liveDatabase) is null)
            .ToArray();
        if (ofRunningVersion.Length == 0)
            return new(null, $"no verified backup of the running version {runningVersion} was taken from the database the deployment uses now");
        var newest = ofRunningVersion[0];
        var age = now - newest.Manifest!.StartedAt;
        if (age > maxAge)
            return new(null, $"the newest verified backup of {runningVersion} is {Describe(age)} old, over {advice.Flag(Setting.RehearsalBackupMaxAge)} {Describe(maxAge)}");
        if (!stillMatchesSha256(newest.Archive, newest.Manifest))
            return new(null, $"{Path.GetFileName(newest.Archive)} no longer matches its sha256");
        return new(newest.Archive, $"the newest verified backup of {runningVersion}, {Describe(age)} old");
    }

    static string Describe(TimeSpan span) =>
        span.TotalHours >= 1 ? $"{span.TotalHours:0.#} h" : span.TotalMinutes >= 1 ? $"{span.TotalMinutes:0} min" : $"{span.TotalSeconds:0} s";
}
