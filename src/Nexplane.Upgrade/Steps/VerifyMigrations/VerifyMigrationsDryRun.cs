namespace Nexplane.Upgrade.Steps.VerifyMigrations;

/// <summary>VerifyMigrations' line in the dry run.</summary>
public static class VerifyMigrationsDryRun
{
    /// <param name="revisionsBefore">alembic_version now; said when the notes announce migrations (the head must move from it).</param>
    public static StepPlan Plan(bool releaseNotesAnnounceMigrations, IReadOnlyList<string> revisionsBefore) =>
        new("check that alembic_version holds the single head the backend reports" +
            (releaseNotesAnnounceMigrations ? ", moved from " + (revisionsBefore.Count > 0 ? string.Join(", ", revisionsBefore) : "the current revision") : ""));
}
