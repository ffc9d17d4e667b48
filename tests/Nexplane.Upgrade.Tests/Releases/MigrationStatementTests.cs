using Nexplane.Upgrade.Releases;

namespace Nexplane.Upgrade.Tests.Releases;

public sealed class MigrationStatementTests
{
    [Theory]
    [InlineData("This release's database migration rewrites the assets table.", true)]
    [InlineData("The schema migrations take a few minutes on large installations.", true)]
    [InlineData("The database migration cannot be undone; take a backup first.", true)]
    [InlineData("The alembic migration isn't reversible.", true)]
    [InlineData("There is no database migration in this release.", false)]
    [InlineData("This release does not include a schema migration.", false)]
    [InlineData("No migrations.", false)]
    [InlineData("Migrations run automatically when the backend starts.", false)]
    public void Only_prose_about_a_database_migration_announces_one(string sentence, bool announces)
    {
        Assert.Equal(announces, MigrationStatement.Announces(sentence));
    }
}
