using System.Text.RegularExpressions;
using EndToEnd.Tests.Rollback;
using EndToEnd.Tests.Support;
using Nexplane.Upgrade.Runbook;
using Npgsql;

namespace EndToEnd.Tests.Upgrade;

/// <summary>
/// Upgrades through required stops in one command (0.4.0 can only be reached from 0.3.0): the path is planned and
/// passed, one backup and one downtime window; a failure at any hop rolls the whole path back to the starting
/// version; a run killed between hops is resumed to the target. On the shared runbook-shape instance.
/// </summary>
[Collection(SharedRunbookDeploymentCollection.Name)]
public sealed class RequiredStopsTests(SharedRunbookDeployment fixture)
{
    readonly RollbackDeployment _deployment = fixture.Deployment;

    [Fact]
    public async Task Upgrading_past_a_required_stop_passes_it_ends_on_the_target_and_a_rollback_returns_to_the_start()
    {
        await _deployment.ReadyOnAsync("0.2.0");
        var before = await _deployment.CaptureAsync();
        var journalsBefore = _deployment.Journals().Select(j => j.FilePath).ToHashSet();

        var run = await _deployment.UpgradeAsync("0.4.0");

        Assert.True(run.ExitCode == 0, "the upgrade through the stop did not succeed: " + run);
        Assert.Contains("Upgrade path 0.2.0 -> 0.3.0 -> 0.4.0", run.Output);
        Assert.Contains("Stop 0.3.0: alembic_version holds the single head 004_backfill_asset_owner, as the backend reported", run.Output);
        Assert.Contains("Stop 0.3.0: [ok] version: ", run.Output);
        Assert.Matches(@"Downtime by hop: 0\.2\.0 -> 0\.3\.0 \d+\.\d s, 0\.3\.0 -> 0\.4\.0 \d+\.\d s", run.Output);
        Assert.Matches(@"Upgraded and healthy: Nexplane 0\.2\.0 -> 0\.4\.0, downtime \d+\.\d s, backup \S+-0\.2\.0\.dump, agents 3/3 on 0\.4\.0", run.Output);
        Assert.Equal("0.4.0", await _deployment.ServedVersionAsync());
        Assert.Equal("0.4.0", await _deployment.FrontendVersionAsync());
        Assert.Equal("006_drop_legacy_flags", await AlembicHeadAsync());
        var journal = Assert.Single(_deployment.Journals(), j => !journalsBefore.Contains(j.FilePath));
        Assert.Single(journal.Record.Facts.OfType<BackupVerified>());
        Assert.Equal(["0.3.0"], journal.Record.PassedStops.Select(stop => stop.Version));
        // The stop is passed and checked before the target's hop begins.
        Assert.True(run.Output.IndexOf("Stop 0.3.0 passed", StringComparison.Ordinal) < run.Output.IndexOf("Hop 0.3.0 -> 0.4.0, the target", StringComparison.Ordinal),
            "the target's hop began before the stop was passed: " + run);

        var rollback = await _deployment.RollbackAsync();

        Assert.True(rollback.ExitCode == 0, "the rollback of the finished path failed: " + rollback);
        Assert.Matches(@"Restoring the database: \d+ transaction\(s\) committed since Stop", rollback.Output);
        await _deployment.AssertSameDeploymentAsync(before);
    }

    [Fact]
    public async Task Rehearse_passes_the_stop_on_the_copy_and_predicts_the_whole_paths_downtime()
    {
        await _deployment.ReadyOnAsync("0.2.0");
        var before = await DeploymentSnapshot.TakeAsync(_deployment.Sandbox);

        var run = await BuildScript.RunAsync(["Rehearse", "--no-logo", "--version", "0.4.0", .. _deployment.ToolArguments], timeout: TimeSpan.FromMinutes(4));

        Assert.True(run.ExitCode == 0, "the rehearsal of the path failed: " + run);
        Assert.Contains("Throwaway copy: Stop 0.3.0 passed: 2 migration(s), head 004_backfill_asset_owner", run.Output);
        Assert.Contains("Rehearsal 0.2.0 -> 0.3.0 -> 0.4.0: passed", run.Output);
        Assert.Contains("migration 004_backfill_asset_owner -> 005_change_windows", run.Output);
        Assert.Matches(@"Predicted downtime of the real upgrade: \d+\.\d s \(measured on the copy: stop \d+\.\d\d s, the stops on the way \d+\.\d\d s", run.Output);
        Assert.Equal(before, await DeploymentSnapshot.TakeAsync(_deployment.Sandbox));
    }

    [Fact]
    public async Task A_stop_whose_migration_fails_rolls_the_whole_path_back_to_the_starting_version()
    {
        await _deployment.ReadyOnAsync("0.2.0");
        var before = await _deployment.CaptureAsync();

        var run = await _deployment.UpgradeAsync("0.4.0", "--via", "0.3.1");

        Assert.Contains("Upgrade path 0.2.0 -> 0.3.1 -> 0.4.0", run.Output);
        Assert.Contains("The hop 0.2.0 -> 0.3.1 failed; the whole upgrade is rolled back to 0.2.0", run.Output);
        // The target's hop never began.
        Assert.DoesNotContain("the target: ", run.Output);
        Assert.DoesNotContain("pinned 0.4.0", run.Output);
        await _deployment.AssertRolledBackAsync(before, run);
        Assert.Empty(_deployment.UnfinishedJournals());
    }

    /// <remarks>
    /// Killed while the stop's backend answers its checks (the stop not yet recorded, as a rule: the resumed run passes
    /// it again), or once the stop is recorded and the target's hop began (the resumed run goes on from the target).
    /// The journal decides which: a kill can land a moment later than the line.
    /// </remarks>
    [Theory]
    [InlineData("Stop 0.3.0: [ok] version")]
    [InlineData("Hop 0.3.0 -> 0.4.0, the target")]
    public async Task A_run_killed_on_its_way_through_the_stop_is_resumed_to_the_target(string killedAt)
    {
        await _deployment.ReadyOnAsync("0.2.0");
        using (var killed = InterruptibleRun.Start(_deployment.UpgradeArguments("0.4.0")))
        {
            await killed.WaitForLineAsync(killedAt, TimeSpan.FromMinutes(3));
            if (killed.TrySignal(InterruptibleRun.SigKill))
                await killed.WaitForGroupGoneAsync(TimeSpan.FromSeconds(30));
        }
        var interrupted = Assert.Single(_deployment.UnfinishedJournals());
        var stopPassedAgain = interrupted.Record.PassedStops.Count == 0;

        // The lock's owner is gone: --resume takes it over without --remove-stale-lock.
        var resumed = await _deployment.UpgradeAsync("0.4.0", "--resume");

        Assert.True(resumed.ExitCode == 0, "the resumed path did not finish: " + resumed);
        Assert.Contains("continuing 0.2.0 -> 0.4.0", resumed.Output);
        Assert.Contains($"The path goes through 0.3.0; passed already: {(stopPassedAgain ? "none" : "0.3.0")}", resumed.Output);
        Assert.Equal(stopPassedAgain, resumed.Output.Contains("Hop 0.2.0 -> 0.3.0", StringComparison.Ordinal));
        Assert.Matches($@"Upgraded and healthy: Nexplane 0\.2\.0 -> 0\.4\.0, downtime \d+\.\d s, backup {Regex.Escape(interrupted.BackupFile!)}", resumed.Output);
        Assert.Equal("0.4.0", await _deployment.ServedVersionAsync());
        Assert.Equal("006_drop_legacy_flags", await AlembicHeadAsync());
        Assert.Empty(_deployment.UnfinishedJournals());
        // Leaves the instance on 0.2.0 for the next test of the collection.
        Assert.Equal(0, (await _deployment.RollbackAsync()).ExitCode);
    }

    async Task<string?> AlembicHeadAsync()
    {
        await using var connection = await DeploymentSnapshot.OpenDatabaseAsync(_deployment.Sandbox);
        await using var head = new NpgsqlCommand("select version_num from alembic_version", connection);
        return (string?)await head.ExecuteScalarAsync();
    }
}
