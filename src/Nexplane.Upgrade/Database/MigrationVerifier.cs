namespace Nexplane.Upgrade.Database;

/// <summary>What VerifyMigrations compares: the database now, the head the backend's log reported, and the revision before.</summary>
public sealed record MigrationExpectation(
    string? HeadFromLogs,
    IReadOnlyList<string> RevisionsBefore,
    bool ReleaseNotesAnnounceMigrations);

/// <summary>
/// Checks after the backend started that the database really is where its log says: alembic_version holds exactly one
/// row (one head), that row is the head the log reported, and it moved when the release notes announced migrations.
/// </summary>
public sealed class MigrationVerifier(DatabaseInspector inspector)
{
    /// <summary>Returns the verified head, or throws <see cref="MigrationVerificationException"/> saying what differs.</summary>
    public async Task<string> VerifyAsync(MigrationExpectation expectation, CancellationToken cancellationToken)
    {
        if (expectation.HeadFromLogs is null)
            throw new MigrationVerificationException(
                "The backend's log did not report an Alembic head (no 'Running upgrade ... -> <revision>' line was seen), " +
                "so the migration cannot be verified. Check the StartBackend output; the database was not changed by this step.");

        var revisions = await inspector.AlembicRevisionsAsync(cancellationToken);
        var before = Describe(expectation.RevisionsBefore);
        switch (revisions.Count)
        {
            case 0:
                throw new MigrationVerificationException(
                    $"alembic_version is empty or missing in {inspector.Database}, but the backend reported head {expectation.HeadFromLogs}.");
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
