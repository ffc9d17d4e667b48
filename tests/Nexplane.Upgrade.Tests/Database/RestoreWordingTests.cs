using Nexplane.Upgrade.Database;

namespace Nexplane.Upgrade.Tests.Database;

/// <summary>What a restore says of the database it replaces: evidence on the deployment, the copy's own in a rehearsal.</summary>
public sealed class RestoreWordingTests
{
    [Fact]
    public void The_deployments_replaced_database_is_kept_for_the_bug_report()
    {
        Assert.Equal("Restored nexplane from pre-upgrade.dump; the replaced database is kept as nexplane_failed_20261206_101500_000 for the bug report.",
            RestoreWording.Swapped(RestoreDestination.Deployment, "nexplane", "pre-upgrade.dump", "nexplane_failed_20261206_101500_000"));
        Assert.Equal("Restored nexplane from pre-upgrade.dump; there was no database of that name to keep.",
            RestoreWording.Swapped(RestoreDestination.Deployment, "nexplane", "pre-upgrade.dump", null));
    }

    [Fact]
    public void A_throwaway_copys_replaced_database_is_its_own_and_goes_with_it()
    {
        var said = RestoreWording.Swapped(RestoreDestination.ThrowawayCopy, "nexplane", "pre-upgrade.dump", "nexplane_failed_20261206_101500_000");

        Assert.Equal("Restored the copy's nexplane from pre-upgrade.dump; the database it replaced (nexplane_failed_20261206_101500_000, " +
                     "created with the copy's server) is removed with the copy.", said);
        Assert.DoesNotContain("bug report", said);
    }

    [Fact]
    public void An_in_place_restore_warns_that_the_deployments_data_is_not_kept_but_a_copys_touches_nothing_of_the_deployment()
    {
        Assert.Equal("The role 'nexplane' cannot create databases, so the backup cannot be restored beside nexplane: dropping and recreating " +
                     "nexplane's contents instead. The current (failed) data is NOT kept; take a copy first if the bug report needs it " +
                     "(or grant CREATEDB to the role and run Restore again).",
            RestoreWording.InPlaceWarning(RestoreDestination.Deployment, "nexplane", "nexplane"));
        Assert.Equal("The role 'nexplane' cannot create databases in the throwaway copy, so the backup is loaded into the copy's nexplane in place; " +
                     "the deployment's database is not touched.",
            RestoreWording.InPlaceWarning(RestoreDestination.ThrowawayCopy, "nexplane", "nexplane"));
    }

    [Fact]
    public void A_failed_in_place_load_says_Restore_again_only_on_the_deployment()
    {
        Assert.Equal("nexplane was emptied and is only partly restored: fix the cause and run Restore again before starting the app.",
            RestoreWording.InPlaceLoadFailed(RestoreDestination.Deployment, "nexplane"));
        Assert.Equal("nexplane is the throwaway copy's; the deployment's database was not touched.",
            RestoreWording.InPlaceLoadFailed(RestoreDestination.ThrowawayCopy, "nexplane"));
    }

    [Fact]
    public void A_restore_replaces_the_deployments_database_unless_told_otherwise()
    {
        var request = new RestoreRequest(new DatabaseTarget("127.0.0.1", 5432, "nexplane", "nexplane", null), "a.dump", BackupMode.Auto, null, 1);

        Assert.Equal(RestoreDestination.Deployment, request.Destination);
    }
}
