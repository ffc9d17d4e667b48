namespace Nexplane.Upgrade.Steps.Backup;

/// <summary>Backup's line in the dry run (before Pull, or after Stop with --backup-after-stop).</summary>
public static class BackupDryRun
{
    /// <param name="source">e.g. "database nexplane, pg_dump in Auto mode".</param>
    /// <param name="archive">The archive it would write.</param>
    public static StepPlan Plan(string source, string archive) =>
        new($"back up {source} into {archive}, verified by a full decode, with its manifest beside it");
}
