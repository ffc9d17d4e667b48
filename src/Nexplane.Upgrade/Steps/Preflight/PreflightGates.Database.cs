using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Operator;

namespace Nexplane.Upgrade.Steps.Preflight;

/// <summary>The database's gates: reachable with these credentials, room for its backup, not ahead of the target.</summary>
public static partial class PreflightGates
{
    /// <summary>The backup and the migration need the database, with the credentials the run was given.</summary>
    public static IEnumerable<UpgradeGateFailure> Database(DatabaseFacts database) =>
        database.Problem is { } problem ? [new("database", problem)] : [];

    /// <summary>A custom-format dump is usually far smaller than the database; the whole size plus a margin is safe.</summary>
    /// <param name="freeBytes">Null when the disk was not read (the database's size unknown): nothing to judge.</param>
    public static IEnumerable<UpgradeGateFailure> DiskSpace(string backupDirectory, long databaseSize, long? freeBytes, OperatorAdvice advice)
    {
        var needed = databaseSize + 64L * 1024 * 1024;
        return freeBytes is { } free && free < needed
            ? [new("disk",
                $"The backup directory {backupDirectory} has {free / 1024 / 1024} MB free; the backup needs up to {needed / 1024 / 1024} MB. " +
                $"Free space or choose another {advice.Flag(Setting.BackupDirectory)}.")]
            : [];
    }

    /// <summary>What earlier restores left on the server is for the operator's information: a failure to tell is a notice, never a refusal.</summary>
    public static IEnumerable<string> KeptDatabases(DatabaseFacts database) =>
        database.KeptProblem is { } problem ? [$"Could not list the databases earlier restores left on the server: {problem}"] : [];

    /// <summary>
    /// A database already at a revision that a release after the target introduces (someone ran a newer backend
    /// against it) defeats the upgrade: the new backend stops at alembic's "Can't locate revision", and the rollback
    /// restores a database the running version cannot start on either. Refused while nothing has changed. A downgrade
    /// has its own gate (--force-downgrade): its database is naturally ahead of the target.
    /// </summary>
    public static IEnumerable<UpgradeGateFailure> DatabaseNotAhead(IReadOnlyList<string> revisions, ReleaseFacts? releases, NexplaneVersion? current,
        NexplaneVersion target)
    {
        if (current is null || target < current || releases is not { Problem: null })
            yield break;
        foreach (var revision in revisions)
        {
            if (releases.AfterTarget.Where(r => r.MigrationRevisions.Contains(revision)).OrderBy(r => r.Version).FirstOrDefault() is not { } introducedBy)
                continue;
            yield return new("database-ahead",
                $"The database is at alembic revision {revision}, which release {introducedBy.Version} introduces: it is ahead of the target " +
                $"{target} (and of the running {current}), as if {introducedBy.Version} had been run against it. {target}'s backend would stop at " +
                $"alembic's \"Can't locate revision\", and the rollback would restore a database {current} cannot start on either. Nothing was " +
                $"changed. Upgrade to {introducedBy.Version} or later instead, or find out what migrated this database.");
        }
    }
}
