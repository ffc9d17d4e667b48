using System.Text.RegularExpressions;
using EndToEnd.Tests.Rollback;
using EndToEnd.Tests.Support;

namespace EndToEnd.Tests.Rehearsal;

/// <summary>
/// ./build.sh Rehearse on the runbook-shaped sandbox (host networking, redis, worker): every release gets its verdict
/// from a throwaway copy, and the deployment itself provably does not move. One instance for the whole class: each
/// rehearsal leaves it as it was, which is what these tests check.
/// </summary>
public sealed class RehearsalTests : IClassFixture<RehearsalDeployment>
{
    readonly RollbackDeployment _deployment;

    public RehearsalTests(RehearsalDeployment fixture)
    {
        _deployment = fixture.Deployment;
    }

    [Fact]
    public async Task A_release_that_works_passes_with_its_migrations_and_a_predicted_downtime_and_Preflight_shows_it()
    {
        await _deployment.ReadyOnAsync("0.2.0");
        var before = await DeploymentSnapshot.TakeAsync(_deployment.Sandbox);

        var run = await _deployment.RehearseAsync("0.3.0");

        Assert.True(run.ExitCode == 0, "expected the rehearsal of 0.3.0 to pass: " + run);
        var report = _deployment.LastReport("0.2.0", "0.3.0");
        Assert.True(report.Passed);
        Assert.Equal(["003_agent_tunnels", "004_backfill_asset_owner"], report.Migrations.Select(m => m.To));
        Assert.All(report.Migrations, m => Assert.NotNull(m.Seconds));
        Assert.Equal("004_backfill_asset_owner", report.MigrationHead);
        Assert.True(report.PredictedDowntime is { Seconds: > 0 }, "no predicted downtime in the report");
        Assert.Contains(report.Gates, gate => gate.StartsWith("[ok] version:", StringComparison.Ordinal));
        Assert.Matches(@"Predicted downtime of the real upgrade: \d+\.\d s \(measured on the copy: stop \d+\.\d\d s, compose up \d+\.\d\d s, start to healthy", run.Output);
        // The copy's backend and worker ran the running version first (to be stopped as Stop does), then were recreated by compose.
        Assert.Contains("Throwaway copy: backend, worker on the running version 0.2.0", run.Output);
        Assert.Contains("Throwaway copy: backend, worker recreated on 0.3.0", run.Output);
        // The database the backup replaced is the copy's own: it goes with the copy, it is no bug report's.
        Assert.Contains("created with the copy's server) is removed with the copy.", run.Output);
        Assert.DoesNotContain("for the bug report", run.Output);
        Assert.False(Directory.Exists(RehearsalRuns.CopyProjectDirectory(report.Id)), "the copy's compose file was left behind");
        await _deployment.AssertUntouchedAsync(before);

        var preflight = await BuildScript.RunAsync(["Preflight", "--no-logo", "--version", "0.3.0", "--accept-breaking-changes", "--require-rehearsal",
            .. _deployment.ToolArguments]);

        Assert.True(preflight.ExitCode == 0, "a passing rehearsal satisfies --require-rehearsal: " + preflight);
        Assert.Matches(@"Last rehearsal of 0\.2\.0 -> 0\.3\.0: \d{4}-\d\d-\d\d \d\d:\d\d UTC \(\d+ min ago\), passed, predicted downtime \d+\.\d s", preflight.Output);
    }

    [Fact]
    public async Task A_failing_migration_fails_the_rehearsal_at_StartBackend_and_an_upgrade_that_requires_a_rehearsal_is_refused()
    {
        await _deployment.ReadyOnAsync("0.2.0");
        var before = await DeploymentSnapshot.TakeAsync(_deployment.Sandbox);

        var run = await _deployment.RehearseAsync("0.3.1");

        Assert.True(run.ExitCode != 0, "expected the rehearsal of 0.3.1 to fail: " + run);
        var report = _deployment.LastReport("0.2.0", "0.3.1");
        Assert.False(report.Passed);
        Assert.Equal("StartBackend", report.FailedStep);
        // Whether compose's restart policy restarted it before the watch began depends on timing, as in the real StartBackend; the error does not.
        Assert.StartsWith("The backend did not come up:", report.Reason);
        Assert.Contains("column \"owner_team_id\" does not exist", report.Reason);
        Assert.True(File.Exists(report.FailureOutputFile), "the failed backend's output was not saved");
        Assert.Contains("Running upgrade", await File.ReadAllTextAsync(report.FailureOutputFile!));
        await _deployment.AssertUntouchedAsync(before);

        var upgrade = await _deployment.UpgradeAsync("0.3.1", "--require-rehearsal");

        Assert.True(upgrade.ExitCode != 0 && Regex.IsMatch(upgrade.Output, @"Preflight\s+Failed"), "expected Preflight to refuse: " + upgrade);
        Assert.Contains("[rehearsal] --require-rehearsal: no passing rehearsal of 0.2.0 -> 0.3.1 for this deployment (the last one FAILED at StartBackend", upgrade.Output);
        Assert.Contains("nothing was changed", upgrade.Output);
        await _deployment.AssertUntouchedAsync(before);
    }

    [Fact]
    public async Task A_release_that_crash_loops_after_migrating_fails_the_rehearsal_at_StartBackend()
    {
        await _deployment.ReadyOnAsync("0.2.0");
        var before = await DeploymentSnapshot.TakeAsync(_deployment.Sandbox);

        var run = await _deployment.RehearseAsync("0.3.2");

        Assert.True(run.ExitCode != 0, "expected the rehearsal of 0.3.2 to fail: " + run);
        var report = _deployment.LastReport("0.2.0", "0.3.2");
        Assert.Equal("StartBackend", report.FailedStep);
        // The crash: the container restarting (or restarted, or exited) on the error it crashes with after migrating.
        Assert.Matches("restart|exited", report.Reason!);
        Assert.Contains("'Settings' object has no attribute 'webhook_signing_algorithm'", report.Reason);
        await _deployment.AssertUntouchedAsync(before);
    }

    [Fact]
    public async Task Ctrl_C_during_the_rehearsal_removes_the_copy_and_a_killed_rehearsals_copy_is_removed_by_the_next_one_which_judges_a_wrong_version()
    {
        await _deployment.ReadyOnAsync("0.2.0");
        var before = await DeploymentSnapshot.TakeAsync(_deployment.Sandbox);

        using (var interrupted = InterruptibleRun.Start(_deployment.RehearseArguments("0.3.0")))
        {
            await interrupted.WaitForLineAsync("Running upgrade 002_asset_tags -> 003_agent_tunnels", TimeSpan.FromMinutes(4));
            interrupted.Signal(InterruptibleRun.SigInt);
            var run = await interrupted.WaitForExitAsync(TimeSpan.FromMinutes(2));
            Assert.True(run.ExitCode != 0, "an interrupted rehearsal must not pass: " + run);
            Assert.False(Directory.Exists(RehearsalRuns.CopyProjectDirectory(RehearsalRuns.IdIn(run.Output))), "Ctrl+C left the copy's compose file");
        }
        await _deployment.AssertUntouchedAsync(before);

        string killedCopy;
        using (var killed = InterruptibleRun.Start(_deployment.RehearseArguments("0.3.0")))
        {
            // Killed while the copy's compose project runs: its containers, network and compose file are left behind.
            await killed.WaitForLineAsync("Throwaway copy: backend, worker on the running version", TimeSpan.FromMinutes(4));
            killed.Signal(InterruptibleRun.SigKill);
            await killed.WaitForGroupGoneAsync(TimeSpan.FromSeconds(30));
            killedCopy = RehearsalRuns.CopyProjectDirectory(RehearsalRuns.IdIn(killed.Output));
        }
        Assert.NotEmpty(await _deployment.LeftoversAsync());
        Assert.True(Directory.Exists(killedCopy), "the killed rehearsal's compose file should be there to be cleaned up");

        // The next rehearsal (of 0.3.3, which reports another version: one rehearsal less for CI) starts by removing them.
        var next = await _deployment.RehearseAsync("0.3.3");

        Assert.Matches(@"Removed \d+ container\(s\) and network\(s\) of the throwaway copy \(nexplane-upgrade\.rehearsal\.compose-file=", next.Output);
        Assert.False(Directory.Exists(killedCopy), "the next rehearsal did not remove the killed one's compose file");
        Assert.True(next.ExitCode != 0, "expected the rehearsal of 0.3.3 to fail: " + next);
        var report = _deployment.LastReport("0.2.0", "0.3.3");
        Assert.False(report.Passed);
        Assert.Contains(report.Gates, gate => gate.StartsWith("[FAILED] version:", StringComparison.Ordinal) && gate.Contains("0.3.0-rc1"));
        await _deployment.AssertUntouchedAsync(before);
    }
}

/// <summary>
/// ./build.sh Rehearse on the real-shaped sandbox (bridge network, unpublished db port, no redis, tag in .env): the
/// copy reaches its database as <c>db</c>, and a release that needs a variable the .env lacks fails on the copy.
/// </summary>
[Collection(RealShapeDeploymentCollection.Name)]
public sealed class RealShapeRehearsalTests
{
    readonly RollbackDeployment _deployment;

    public RealShapeRehearsalTests(RealShapeDeployment fixture)
    {
        _deployment = fixture.Deployment;
    }

    [Fact]
    public async Task A_release_that_works_passes_on_the_real_shape()
    {
        await _deployment.ReadyOnAsync("0.2.0");
        var before = await DeploymentSnapshot.TakeAsync(_deployment.Sandbox);

        var run = await _deployment.RehearseAsync("0.3.0");

        Assert.True(run.ExitCode == 0, "expected the rehearsal of 0.3.0 to pass: " + run);
        var report = _deployment.LastReport("0.2.0", "0.3.0");
        Assert.Equal("004_backfill_asset_owner", report.MigrationHead);
        Assert.Contains("v0.3.0", report.Images["backend"]);
        await _deployment.AssertUntouchedAsync(before);
    }

    [Fact]
    public async Task A_release_that_needs_a_variable_the_env_lacks_fails_on_the_copy_naming_it()
    {
        await _deployment.ReadyOnAsync("0.2.0");
        var before = await DeploymentSnapshot.TakeAsync(_deployment.Sandbox);

        var run = await _deployment.RehearseAsync("0.3.5");

        Assert.True(run.ExitCode != 0, "expected the rehearsal of 0.3.5 to fail: " + run);
        var report = _deployment.LastReport("0.2.0", "0.3.5");
        Assert.Equal("StartBackend", report.FailedStep);
        Assert.Contains("NEXPLANE_ENCRYPTION_KEY", report.Reason);
        await _deployment.AssertUntouchedAsync(before);
    }
}
