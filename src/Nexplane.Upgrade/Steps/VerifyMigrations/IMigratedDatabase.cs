namespace Nexplane.Upgrade.Steps.VerifyMigrations;

/// <summary>The one thing VerifyMigrations reads of the deployment: its database's alembic_version.</summary>
public interface IMigratedDatabase
{
    /// <summary>alembic_version's rows now, and the database they were read from (as the operator knows it).</summary>
    Task<(IReadOnlyList<string> Revisions, string Database)> AlembicRevisionsAsync(CancellationToken cancellationToken);
}
