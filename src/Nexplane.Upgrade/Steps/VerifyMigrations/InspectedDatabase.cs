using Nexplane.Upgrade.Database;

namespace Nexplane.Upgrade.Steps.VerifyMigrations;

/// <summary>A PostgreSQL database as VerifyMigrations reads it: alembic_version's rows, named as the operator knows the database.</summary>
public sealed class InspectedDatabase(DatabaseInspector inspector) : IMigratedDatabase
{
    public async Task<(IReadOnlyList<string> Revisions, string Database)> AlembicRevisionsAsync(CancellationToken cancellationToken) =>
        (await inspector.AlembicRevisionsAsync(cancellationToken), inspector.Database.ToString());
}
