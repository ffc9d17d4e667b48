using Nexplane.Upgrade.Operator;

namespace Nexplane.Upgrade.Steps.VerifyMigrations;

/// <summary>
/// VerifyMigrations: the database really is where the backend's log says (<see cref="MigrationVerdict"/>). Returns
/// the verified head; the run records it.
/// </summary>
public sealed class VerifyMigrationsStep(IRunOutput output)
{
    public async Task<string> RunAsync(MigrationExpectation expectation, IMigratedDatabase database, CancellationToken cancellationToken)
    {
        // Without a reported head there is nothing to compare: the database is not read.
        MigrationVerdict.RequireHeadFromLogs(expectation);
        var (revisions, name) = await database.AlembicRevisionsAsync(cancellationToken);
        var head = MigrationVerdict.Head(expectation, revisions, name);
        output.Information("alembic_version holds the single head {Head}, as the backend reported", head);
        output.Summary("Head", head);
        return head;
    }
}
