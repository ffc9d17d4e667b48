using System.Text.RegularExpressions;
using EndToEnd.Tests.Support;
using Npgsql;
using Xunit.Abstractions;

namespace EndToEnd.Tests.Rollback;

public sealed class RestoreSkippedDeployment() : RollbackDeploymentFixture(75);

/// <summary>
/// Fault matrix, the rollback without a restore: after a migration run that failed inside its one transaction,
/// PostgreSQL proves nothing committed since Stop, so the rollback keeps the live database, writes of the window
/// between the backup and the stop included. Any commit since Stop, or a journal that cannot prove anything, and it
/// restores the backup as before.
/// </summary>
public sealed class RestoreSkippedRollbackTests(RestoreSkippedDeployment fixture, ITestOutputHelper output) : IClassFixture<RestoreSkippedDeployment>
{
    readonly RollbackDeployment _deployment = fixture.Deployment;

    const int SigStop = 19;
    const int SigCont = 18;

    [Fact]
    public async Task Writes_between_the_backup_and_the_stop_stay_when_the_failed_migration_committed_nothing()
    {
        await _deployment.ReadyOnAsync("0.2.0");
        await _deployment.HoldAutovacuumAsync();
        var before = await _deployment.CaptureAsync();
        var usersBefore = await CountUsersAsync();
        var journalsBefore = _deployment.Journals().Select(j => j.FilePath).ToHashSet();

        BuildScriptResult run;
        using (var upgrade = InterruptibleRun.Start(_deployment.UpgradeArguments("0.3.1")))
        {
            // Frozen right after the backup: the app still runs, and whatever commits now is in the write window.
            await upgrade.WaitForJournalStepAsync(_deployment, journalsBefore, "Backup", TimeSpan.FromMinutes(6));
            upgrade.Signal(SigStop);
            try
            {
                var journal = Assert.Single(_deployment.UnfinishedJournals());
                Assert.True(journal.TransactionHorizon is null, "the run was frozen after Stop had recorded its horizon: no write window left to test");
                await _deployment.ExecuteAsync("insert into users (email, hashed_password) " +
                                               "select 'window-' || g || '-' || md5(random()::text) || '@example.com', 'x' from generate_series(1, 5) g");
            }
            finally
            {
                upgrade.Signal(SigCont);
            }
            run = await upgrade.WaitForExitAsync(TimeSpan.FromMinutes(4));
        }

        Assert.True(run.ExitCode == 255, "expected the rolled-back upgrade's exit code 255: " + run);
        Assert.Matches(@"Write window: \d+ table\(s\) were written .*public\.users: 5 rows", run.Output);
        RestoreDecisionAssert.RestoreSkipped(run.Output);
        Assert.Contains("Rolled back and healthy: Nexplane runs 0.2.0 again on its own database, not restored", run.Output);
        Assert.Equal("0.2.0", await _deployment.ServedVersionAsync());
        var after = await DeploymentSnapshot.TakeAsync(_deployment.Sandbox);
        Assert.True(before.Snapshot.ComposeFile == after.ComposeFile && before.Snapshot.EnvFile == after.EnvFile,
            "the compose file or .env differs from the one before the upgrade");
        Assert.Equal(before.Snapshot.AlembicRevisions, after.AlembicRevisions);
        // The state at Stop: the backup's rows plus the window's five users, which a restore would have dropped.
        Assert.Equal(usersBefore + 5, await CountUsersAsync());
        Assert.Equal(WithoutUsers(before.Snapshot.RowCounts), WithoutUsers(after.RowCounts));
        Assert.Empty(_deployment.UnfinishedJournals());
        RollbackMatrix.Record(output, "migration fails (0.3.1) with 5 rows written between backup and stop",
            "StartBackend failed; rolled back, healthy on 0.2.0; the window's rows kept", RollbackTiming.Of(run));
    }

    [Fact]
    public async Task A_commit_by_another_client_after_Stop_makes_the_rollback_restore_the_backup()
    {
        await _deployment.ReadyOnAsync("0.2.0");
        await _deployment.HoldAutovacuumAsync();
        var before = await _deployment.CaptureAsync();

        BuildScriptResult run;
        using (var upgrade = InterruptibleRun.Start(_deployment.UpgradeArguments("0.3.1")))
        {
            await upgrade.WaitForLineAsync("Transaction horizon at Stop", TimeSpan.FromMinutes(6));
            // A monitoring tool's write, in another database of the same cluster: PostgreSQL cannot say whose it is.
            await _deployment.ExecuteAsync("create table if not exists monitoring_heartbeat (at timestamptz); " +
                                           "insert into monitoring_heartbeat values (now())", database: "postgres");
            run = await upgrade.WaitForExitAsync(TimeSpan.FromMinutes(4));
        }

        Assert.Matches(@"Rollback\s+Succeeded", run.Output);
        Assert.Matches(@"Restoring the database: \d+ transaction\(s\) committed since Stop", run.Output);
        var timing = await _deployment.AssertRolledBackAsync(before, run);
        Assert.Equal("restored", timing.Database);
        RollbackMatrix.Record(output, "migration fails (0.3.1), another client commits after Stop",
            "StartBackend failed; restored (a commit since Stop); healthy on 0.2.0", timing);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_run_killed_after_Stop_rolls_back_on_PostgreSQL_s_word_and_a_journal_without_a_horizon_restores(bool journalFromBeforeTheHorizon)
    {
        await _deployment.ReadyOnAsync("0.2.0");
        await _deployment.HoldAutovacuumAsync();
        var before = await _deployment.CaptureAsync();
        var journalsBefore = _deployment.Journals().Select(j => j.FilePath).ToHashSet();
        using (var killed = InterruptibleRun.Start(_deployment.UpgradeArguments("0.3.1")))
        {
            await killed.WaitForJournalStepAsync(_deployment, journalsBefore, "Stop", TimeSpan.FromMinutes(6));
            killed.Signal(InterruptibleRun.SigKill);
            await killed.WaitForGroupGoneAsync(TimeSpan.FromSeconds(30));
        }
        var journal = Assert.Single(_deployment.UnfinishedJournals());
        Assert.NotNull(journal.TransactionHorizon);
        if (journalFromBeforeTheHorizon)
        {
            // As the tool wrote journals before it recorded horizons.
            journal.TransactionHorizon = null;
            journal.Save();
        }

        var rollback = await _deployment.RollbackAsync("--remove-stale-lock");

        Assert.True(rollback.ExitCode == 0 && Regex.IsMatch(rollback.Output, @"Rollback\s+Succeeded"), "the rollback did not succeed: " + rollback);
        if (journalFromBeforeTheHorizon)
            Assert.Contains("Restoring the database: the journal holds no transaction horizon from Stop", rollback.Output);
        else
            RestoreDecisionAssert.RestoreSkipped(rollback.Output);
        await _deployment.AssertSameDeploymentAsync(before);
        Assert.Empty(_deployment.UnfinishedJournals());
        RollbackMatrix.Record(output, $"SIGKILL after Stop (0.3.1), then Rollback{(journalFromBeforeTheHorizon ? ", journal without a horizon" : "")}",
            "rolled back, healthy on 0.2.0", RollbackTiming.Of(rollback));
    }

    async Task<long> CountUsersAsync()
    {
        await using var connection = await DeploymentSnapshot.OpenDatabaseAsync(_deployment.Sandbox);
        await using var count = new NpgsqlCommand("select count(*) from users", connection);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    static string WithoutUsers(string rowCounts) =>
        string.Join(",", rowCounts.Split(',').Where(entry => !entry.Contains("users", StringComparison.Ordinal)));
}

/// <summary>The same proof on the deployment shaped like production: no worker, the database reached at its container's address.</summary>
[Collection(RealShapeDeploymentCollection.Name)]
public sealed class RealShapeRestoreSkippedRollbackTests(RealShapeDeployment fixture, ITestOutputHelper output)
{
    readonly RollbackDeployment _deployment = fixture.Deployment;

    [Fact]
    public async Task A_failed_migration_rolls_back_without_a_restore_on_the_real_shape()
    {
        await _deployment.ReadyOnAsync("0.2.0");
        await _deployment.HoldAutovacuumAsync();
        var before = await _deployment.CaptureAsync();

        var run = await _deployment.UpgradeAsync("0.3.1");

        Assert.Matches(@"StartBackend\s+Failed", run.Output);
        RestoreDecisionAssert.RestoreSkipped(run.Output);
        var timing = await _deployment.AssertRolledBackAsync(before, run);
        Assert.Equal("not restored (nothing committed since Stop)", timing.Database);
        RollbackMatrix.Record(output, "real shape: migration fails (0.3.1)", "StartBackend failed; rolled back, healthy on 0.2.0", timing);
    }
}
