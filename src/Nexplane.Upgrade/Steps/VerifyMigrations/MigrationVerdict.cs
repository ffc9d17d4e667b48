namespace Nexplane.Upgrade.Steps.VerifyMigrations;

/// <summary>What VerifyMigrations compares: the database now, the head the backend's log reported, and the revision before.</summary>
public sealed record MigrationExpectation(
    string? HeadFromLogs,
    IReadOnlyList<string> RevisionsBefore,
    bool ReleaseNotesAnnounceMigrations);

/// <summary>
/// After the backend started, the database really is where its log says: alembic_version holds exactly one row (one
/// head), that row is the head the log reported, and it moved when the release notes announced migrations. Pure: the
/// caller reads the revisions (of the deployment's database, or of a rehearsal's copy).
/// </summary>
public static class MigrationVerdict
{
    /// <summary>Throws when the log reported no head: there is nothing to check the database against.</summary>
    public static void RequireHeadFromLogs(MigrationExpectation expectation)
    {
        if (expectation.HeadFromLogs is null)
            throw new MigrationVerificationException(
                "The backend's log did not report an Alembic head (no 'Running upgrade ... -> <revision>' line was seen), " +
                "so the migration cannot be verified. Check the StartBackend output; the database was not changed by this step.");
    }

    /// <summary>Returns the verified head, or throws <see cref="MigrationVerificationException"/> saying what differs.</summary>
    /// <param name="revisions">alembic_version's rows as read now.</param>
    /// <param name="database">Where they were read (named when the table is empty).</param>
    public static string Head(MigrationExpectation expectation, IReadOnlyList<string> revisions, string database)
    {
        RequireHeadFromLogs(expectation);
        var before = Describe(expectation.RevisionsBefore);
        switch (revisions.Count)
        {
            case 0:
                throw new MigrationVerificationException(
                    $"alembic_version is empty or missing in {database}, but the backend reported head {expectation.HeadFromLogs}.");
            case > 1:
                throw new MigrationVerificationException(
                    $"alembic_version holds {revisions.Count} rows ({Describe(revisions)}): the database has several heads, " +
                    "so the migration history branched. Expected the single head " + expectation.HeadFromLogs + ".");
        }

        var current = revisions[0];
        if (current != expectation.HeadFromLogs)
            throw new MigrationVerificationException(
                $"alembic_version is {current}, but the backend's log reported head {expectation.HeadFromLogs} (before the upgrade: {before}).");
        if (expectation.ReleaseNotesAnnounceMigrations && expectation.RevisionsBefore.SequenceEqual(revisions))
            throw new MigrationVerificationException(
                $"The release notes announce database migrations, but alembic_version is still {current}, as before the upgrade: " +
                "the new version's migrations did not run.");
        return current;
    }

    static string Describe(IReadOnlyList<string> revisions) => revisions.Count == 0 ? "none" : string.Join(", ", revisions);
}

/// <summary>The database's migration state is not what the backend reported.</summary>
public sealed class MigrationVerificationException(string message) : Exception(message);
