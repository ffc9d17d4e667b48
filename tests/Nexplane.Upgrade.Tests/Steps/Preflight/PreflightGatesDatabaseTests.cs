using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Steps.Preflight;
using static Nexplane.Upgrade.Tests.Steps.Preflight.PreflightSample;
using Nexplane.Upgrade.Tests.Operator;

namespace Nexplane.Upgrade.Tests.Steps.Preflight;

/// <summary>The database's gates: reachable, room for its backup, not ahead of the target.</summary>
public sealed class PreflightGatesDatabaseTests
{
    const long MB = 1024 * 1024;

    [Fact]
    public void A_database_that_cannot_be_reached_is_refused()
    {
        var failure = Assert.Single(PreflightGates.Database(DatabaseFacts.Unreachable("password authentication failed for user \"nexplane\"")));

        Assert.Equal(new UpgradeGateFailure("database", "password authentication failed for user \"nexplane\""), failure);
        Assert.Empty(PreflightGates.Database(new DatabaseFacts(MB, [], [])));
    }

    [Fact]
    public void The_backup_needs_the_databases_size_plus_a_margin()
    {
        var failure = Assert.Single(PreflightGates.DiskSpace("/backups", 100 * MB, 150 * MB, TestAdvice.Nuke));

        Assert.Equal(new UpgradeGateFailure("disk", "The backup directory /backups has 150 MB free; the backup needs up to 164 MB. " +
                                                    "Free space or choose another --backup-directory."), failure);
        Assert.Empty(PreflightGates.DiskSpace("/backups", 100 * MB, 164 * MB, TestAdvice.Nuke));
    }

    [Fact]
    public void A_disk_not_read_is_not_judged()
    {
        Assert.Empty(PreflightGates.DiskSpace("/backups", 100 * MB, null, TestAdvice.Nuke));
    }

    [Fact]
    public void Kept_databases_that_cannot_be_listed_are_a_notice_never_a_refusal()
    {
        var database = new DatabaseFacts(MB, [], [], "permission denied for table pg_database");

        Assert.Equal(["Could not list the databases earlier restores left on the server: permission denied for table pg_database"],
            PreflightGates.KeptDatabases(database));
        Assert.Empty(PreflightGates.Database(database));
        Assert.Empty(PreflightGates.KeptDatabases(new DatabaseFacts(MB, [], [])));
    }

    static readonly ReleaseFacts LaterMigrates = new([V("0.2.0"), V("0.3.0"), V("0.4.0"), V("0.5.0")], [Release("0.3.0")],
        [Release("0.5.0", migrations: ["`005_more`: another column"]), Release("0.4.0", migrations: ["`004_asset_owner`: new column"])], "notes");

    [Fact]
    public void A_database_at_a_revision_a_later_release_introduces_is_refused()
    {
        var failure = Assert.Single(PreflightGates.DatabaseNotAhead(["004_asset_owner"], LaterMigrates, V("0.2.0"), V("0.3.0")));

        Assert.Equal("database-ahead", failure.Gate);
        Assert.Equal("The database is at alembic revision 004_asset_owner, which release 0.4.0 introduces: it is ahead of the target 0.3.0 " +
                     "(and of the running 0.2.0), as if 0.4.0 had been run against it. 0.3.0's backend would stop at alembic's \"Can't locate revision\", " +
                     "and the rollback would restore a database 0.2.0 cannot start on either. Nothing was changed. Upgrade to 0.4.0 or later instead, " +
                     "or find out what migrated this database.", failure.Message);
    }

    [Fact]
    public void A_database_at_a_known_revision_passes()
    {
        Assert.Empty(PreflightGates.DatabaseNotAhead(["002_asset_tags"], LaterMigrates, V("0.2.0"), V("0.3.0")));
    }

    [Fact]
    public void A_downgrade_an_unknown_running_version_or_unread_notes_are_not_judged_here()
    {
        Assert.Empty(PreflightGates.DatabaseNotAhead(["004_asset_owner"], LaterMigrates, V("0.4.0"), V("0.3.0")));
        Assert.Empty(PreflightGates.DatabaseNotAhead(["004_asset_owner"], LaterMigrates, null, V("0.3.0")));
        Assert.Empty(PreflightGates.DatabaseNotAhead(["004_asset_owner"], ReleaseFacts.Unreadable("GitHub answered 503"), V("0.2.0"), V("0.3.0")));
        Assert.Empty(PreflightGates.DatabaseNotAhead(["004_asset_owner"], null, V("0.2.0"), V("0.3.0")));
    }
}
