using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace EndToEnd.Tests.Rollback;

public sealed class BrokenReleaseDeployment() : RollbackDeploymentFixture(31);

/// <summary>Base for the class fixtures: xunit needs a parameterless constructor per class.</summary>
public abstract class RollbackDeploymentFixture(
    int number,
    EndToEnd.Tests.Support.SandboxShape shape = EndToEnd.Tests.Support.SandboxShape.Runbook,
    EndToEnd.Tests.Support.ComposeLane compose = EndToEnd.Tests.Support.ComposeLane.Default) : IAsyncLifetime
{
    public RollbackDeployment Deployment { get; } = new(number, shape, compose);
    public Task InitializeAsync() => Deployment.InitializeAsync();
    public Task DisposeAsync() => Deployment.DisposeAsync();
}

/// <summary>
/// Fault matrix, the broken releases: each upgrade from 0.2.0 fails past the point of no return, and the assured
/// Rollback puts back exactly the deployment that ran before, database included.
/// </summary>
public sealed class BrokenReleaseRollbackTests(BrokenReleaseDeployment fixture, ITestOutputHelper output) : IClassFixture<BrokenReleaseDeployment>
{
    readonly RollbackDeployment _deployment = fixture.Deployment;

    /// <remarks>
    /// <paramref name="restored"/>: whether the rollback must restore the backup. Only 0.3.1's migration run fails
    /// inside its one transaction and commits nothing, so PostgreSQL proves the database unchanged and the restore is
    /// skipped; the others committed their migrations before failing, and only the restore undoes them.
    /// </remarks>
    [Theory]
    [InlineData("0.3.1", "StartBackend", "migration fails (exit 1, nothing committed)", false)]
    [InlineData("0.3.2", "StartBackend", "backend crash-loops after migrating (database migrated)", true)]
    // 0.3.3's frontend reports 0.3.0-rc1 like its backend; the Frontend step is the first to compare versions.
    [InlineData("0.3.3", "Frontend", "wrong version reported (0.3.0-rc1)", true)]
    [InlineData("0.3.4", "Frontend", "frontend broken (500 on everything)", true)]
    public async Task A_failed_upgrade_ends_rolled_back_and_healthy_on_the_previous_version(string release, string failingStep, string @case, bool restored)
    {
        await _deployment.ReadyOnAsync("0.2.0");
        await _deployment.HoldAutovacuumAsync();
        var before = await _deployment.CaptureAsync();

        var run = await _deployment.UpgradeAsync(release);

        Assert.True(Regex.IsMatch(run.Output, $@"{failingStep}\s+Failed") && Regex.IsMatch(run.Output, @"Rollback\s+Succeeded"),
            $"expected {failingStep} to fail and Rollback to succeed: {run}");
        var timing = await _deployment.AssertRolledBackAsync(before, run);
        if (restored)
            Assert.Matches(@"Restoring the database: \d+ transaction\(s\) committed since Stop", run.Output);
        else
            RestoreDecisionAssert.RestoreSkipped(run.Output);
        Assert.Equal(restored ? "restored" : "not restored (nothing committed since Stop)", timing.Database);
        if (release == "0.3.2")
        {
            // The one case where the new backend committed its migrations: only the restore can undo them.
            Assert.Contains("Running upgrade 003_agent_tunnels -> 004_backfill_asset_owner", run.Output);
            Assert.NotNull(timing.RestoreSeconds);
        }
        if (release == "0.3.1")
            Assert.Contains("Please file an issue at https://github.com/youbetyourballs/nexplane/issues", run.Output);
        RollbackMatrix.Record(output, $"{@case}: 0.2.0 -> {release}", $"{failingStep} failed; rolled back, healthy on 0.2.0", timing);
        Assert.Empty(_deployment.UnfinishedJournals());
    }
}
