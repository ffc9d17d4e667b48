using EndToEnd.Tests.Support;
using Xunit.Abstractions;

namespace EndToEnd.Tests.Rollback;

public sealed class InterruptedEarlyDeployment() : RollbackDeploymentFixture(34);
public sealed class InterruptedLateDeployment() : RollbackDeploymentFixture(35);

/// <summary>
/// Fault matrix, the tool itself dies: SIGKILL of the whole process tree right after a step is recorded in the
/// journal (the earliest moment the step is observably done; the next step may already have begun, as in a real
/// crash). The next `./build.sh Upgrade` must refuse and offer Rollback or --resume; `./build.sh Rollback
/// --remove-stale-lock` must end on the old version with everything as before.
/// </summary>
public abstract class KilledUpgradeTests(RollbackDeployment deployment, ITestOutputHelper output)
{
    protected async Task Killed_after_a_step_is_refused_then_rolled_back_to_the_old_version(string step)
    {
        BeforeUpgrade before;
        HashSet<string> journalsBefore;
        Nexplane.Upgrade.Runbook.UpgradeJournal interrupted;
        for (var attempt = 1; ; attempt++)
        {
            await deployment.ReadyOnAsync("0.2.0");
            before = await deployment.CaptureAsync();
            journalsBefore = deployment.Journals().Select(j => j.FilePath).ToHashSet();
            if (await TryKillAfterAsync(deployment, journalsBefore, step) is { } journal)
            {
                interrupted = journal;
                break;
            }
            // After Frontend only Verify is left: on a quiet machine the run can finish before the kill lands.
            // That is not the case under test; the next attempt starts from a fresh 0.2.0 again.
            Assert.True(attempt < 3, $"{attempt} times the upgrade finished on its own before the SIGKILL after {step} landed");
        }

        // (a) A plain rerun refuses, names both ways out, and starts no second upgrade.
        var refused = await deployment.UpgradeAsync("0.3.0");
        Assert.True(refused.ExitCode != 0 && refused.Output.Contains("./build.sh Rollback") && refused.Output.Contains("--resume"),
            "the rerun did not refuse with Rollback and --resume as the ways out: " + refused);
        Assert.Equal(deployment.Journals().Count, journalsBefore.Count + 1);

        // (b) The rollback ends on the old version with everything as before.
        var rollback = await deployment.RollbackAsync("--remove-stale-lock");
        Assert.True(rollback.ExitCode == 0 && System.Text.RegularExpressions.Regex.IsMatch(rollback.Output, @"Rollback\s+Succeeded"),
            "the rollback did not succeed: " + rollback);
        // The kill lands a little after the step is recorded; on a busy machine a fast Pull (cached images, 0.1 s)
        // can finish in that time, and then Stop may have begun. The tool decides from the journal; so does the test.
        var stopHadBegun = interrupted.HasCompleted("Pull");
        RollbackTiming? timing = null;
        if (stopHadBegun)
        {
            Assert.Contains("Rolled back and healthy", rollback.Output);
            timing = RollbackTiming.Of(rollback);
        }
        else
        {
            Assert.Contains("Nothing to undo", rollback.Output);
        }
        await deployment.AssertSameDeploymentAsync(before);
        Assert.Empty(deployment.UnfinishedJournals());
        Assert.False(File.Exists(deployment.LockFile), "the rollback left the upgrade lock behind");
        RollbackMatrix.Record(output, $"SIGKILL after {step}, then Rollback --remove-stale-lock: 0.2.0 -> 0.3.0",
            stopHadBegun ? "refused rerun; rolled back, healthy on 0.2.0" : "refused rerun; nothing to undo, 0.2.0 untouched", timing);
    }

    /// <summary>
    /// Starts 0.2.0 -> 0.3.0 and SIGKILLs the whole process tree as soon as the journal records <paramref name="step"/>.
    /// Returns the journal as the killed run left it (it may record a later step too), or null when the run finished
    /// the upgrade on its own before the kill landed.
    /// </summary>
    internal static async Task<Nexplane.Upgrade.Runbook.UpgradeJournal?> TryKillAfterAsync(RollbackDeployment deployment, IReadOnlySet<string> journalsBefore, string step)
    {
        using (var killed = InterruptibleRun.Start(deployment.UpgradeArguments("0.3.0")))
        {
            await killed.WaitForJournalStepAsync(deployment, journalsBefore, step, TimeSpan.FromMinutes(3));
            if (killed.TrySignal(InterruptibleRun.SigKill))
                await killed.WaitForGroupGoneAsync(TimeSpan.FromSeconds(30));
            else
                await killed.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }
        var unfinished = deployment.UnfinishedJournals();
        if (unfinished.Count == 0 && deployment.Journals().FirstOrDefault(j => !journalsBefore.Contains(j.FilePath))?.Outcome is not null)
            return null;
        var interrupted = Assert.Single(unfinished);
        Assert.True(interrupted.HasCompleted(step));
        return interrupted;
    }
}

public sealed class KilledBeforeTheDowntimeTests(InterruptedEarlyDeployment fixture, ITestOutputHelper output)
    : KilledUpgradeTests(fixture.Deployment, output), IClassFixture<InterruptedEarlyDeployment>
{
    [Theory]
    [InlineData("Preflight")]
    [InlineData("Backup")]
    [InlineData("Pull")]
    [InlineData("Stop")]
    public Task SIGKILL_after(string step) => Killed_after_a_step_is_refused_then_rolled_back_to_the_old_version(step);
}

public sealed class KilledDuringTheDowntimeTests(InterruptedLateDeployment fixture, ITestOutputHelper output)
    : KilledUpgradeTests(fixture.Deployment, output), IClassFixture<InterruptedLateDeployment>
{
    [Theory]
    [InlineData("StartBackend")]
    [InlineData("VerifyMigrations")]
    [InlineData("Frontend")]
    public Task SIGKILL_after(string step) => Killed_after_a_step_is_refused_then_rolled_back_to_the_old_version(step);
}

/// <summary>
/// Fault matrix, Ctrl+C during StartBackend: SIGINT to the tool's process group (what a terminal sends) while the new
/// backend is inside its migrations. The running target is aborted and the assured Rollback brings back 0.2.0.
/// The migrations are slowed with the stand-in's NEXPLANE_MIGRATION_DELAY_MS so that "inside the migrations" is a
/// window of seconds, entered on the first `Running upgrade` line rather than guessed.
/// </summary>
[Collection(SharedRunbookDeploymentCollection.Name)]
public sealed class CtrlCDuringStartBackendTests(SharedRunbookDeployment fixture, ITestOutputHelper output)
{
    readonly RollbackDeployment _deployment = fixture.Deployment;

    [Fact]
    public async Task Ctrl_C_during_StartBackend_aborts_it_and_rolls_back_to_the_old_version()
    {
        await _deployment.ReadyOnAsync("0.2.0");
        var compose = await File.ReadAllTextAsync(_deployment.Sandbox.ComposeFile);
        const string anchor = "      NEXPLANE_ADMIN_PASSWORD: ${NEXPLANE_ADMIN_PASSWORD}\n";
        Assert.Contains(anchor, compose);
        await File.WriteAllTextAsync(_deployment.Sandbox.ComposeFile, compose.Replace(anchor, anchor + "      NEXPLANE_MIGRATION_DELAY_MS: \"3000\"\n"));
        var before = await _deployment.CaptureAsync();

        var run = await _deployment.CtrlCInsideTheMigrationsAsync();

        Assert.Matches(@"StartBackend\s+Aborted", run.Output);
        Assert.Matches(@"Rollback\s+Succeeded", run.Output);
        Assert.DoesNotContain("Running upgrade 003_agent_tunnels -> 004_backfill_asset_owner", run.Output);
        var timing = await _deployment.AssertRolledBackAsync(before, run);
        Assert.Empty(_deployment.UnfinishedJournals());
        RollbackMatrix.Record(output, "Ctrl+C (SIGINT to the process group) inside StartBackend's migrations: 0.2.0 -> 0.3.0",
            "StartBackend aborted; rolled back, healthy on 0.2.0", timing);
    }
}
