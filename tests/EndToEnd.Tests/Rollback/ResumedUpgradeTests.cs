using System.Text.RegularExpressions;
using EndToEnd.Tests.Support;
using Nexplane.Upgrade.Runbook;
using Npgsql;
using Xunit.Abstractions;

namespace EndToEnd.Tests.Rollback;

public sealed class ResumedEarlyDeployment() : RollbackDeploymentFixture(37);
public sealed class ResumedLateDeployment() : RollbackDeploymentFixture(38);

/// <summary>
/// Fault matrix, SIGKILL after each step followed by `--resume` (with --remove-stale-lock, as the refusal says): the
/// upgrade continues from its journal and ends healthy on the NEW version, with the migrations applied once, the data
/// transformed, and db and redis untouched. One upgrade is killed after each step in turn, every resumed run being
/// killed after the next step, then resumed to the end: each kill point is covered, and each resume must pick up
/// exactly where the journal says (one fresh deployment and one upgrade per class, not one per step).
/// </summary>
public abstract class ResumedUpgradeTests(RollbackDeployment deployment, ITestOutputHelper output)
{
    protected async Task Killed_after_each_step_and_resumed_each_time_ends_healthy_on_the_new_version(params string[] steps)
    {
        await deployment.ReadyOnAsync("0.2.0");
        var before = await deployment.CaptureAsync();
        var journalsBefore = deployment.Journals().Select(j => j.FilePath).ToHashSet();

        IReadOnlyList<string> doneBefore = [];
        var endedBeforeTheKill = false;
        foreach (var step in steps)
        {
            // The kill lands a little after the step is recorded, and a fast next step (a cached Pull) can finish
            // in that time: the previous kill then fell after this step, and its resume covered it.
            if (doneBefore.Contains(step))
                continue;
            var resuming = doneBefore.Count > 0;
            using (var killed = InterruptibleRun.Start(resuming
                       ? deployment.UpgradeArguments("0.3.0", "--resume", "--remove-stale-lock")
                       : deployment.UpgradeArguments("0.3.0")))
            {
                await killed.WaitForJournalStepAsync(deployment, journalsBefore, step, TimeSpan.FromMinutes(3));
                if (killed.TrySignal(InterruptibleRun.SigKill))
                    await killed.WaitForGroupGoneAsync(TimeSpan.FromSeconds(30));
                else
                    await killed.WaitForExitAsync(TimeSpan.FromSeconds(30));
                if (resuming)
                    AssertKilledResumeRepeatedNothing(killed.Output, doneBefore, step);
            }
            // After Frontend only Verify is left: on a quiet machine the resumed run can finish the upgrade before
            // the kill lands. Then it was the last resume, and the end state is checked all the same.
            if (deployment.UnfinishedJournals().Count == 0 && deployment.Journals()[0].Outcome == UpgradeOutcome.Succeeded)
            {
                RollbackMatrix.Record(output, $"SIGKILL after {step}: the resumed run finished the upgrade before the kill landed", "healthy on 0.3.0", null);
                endedBeforeTheKill = true;
                break;
            }
            var interrupted = Assert.Single(deployment.UnfinishedJournals());
            Assert.True(interrupted.HasCompleted(step));
            // Named by what the journal shows: the resume that follows starts from there.
            RollbackMatrix.Record(output, $"SIGKILL after {interrupted.LastCompletedStep}{(resuming ? " (of a resumed run)" : "")}, then Upgrade --resume --remove-stale-lock: 0.2.0 -> 0.3.0",
                "resumed from the journal", null);
            doneBefore = interrupted.CompletedSteps.Select(s => s.Name).ToArray();
            if (!resuming)
                await AssertDryRunOfTheResumeLeavesTheJournalAsync(interrupted);
        }
        if (!endedBeforeTheKill)
        {
            var resumed = await deployment.UpgradeAsync("0.3.0", "--resume", "--remove-stale-lock");

            RollbackMatrix.Record(output, $"the last resume after {string.Join(", ", steps)}: 0.2.0 -> 0.3.0",
                resumed.ExitCode == 0 ? "resumed; healthy on 0.3.0" : $"resume FAILED (exit {resumed.ExitCode})", null);
            Assert.True(resumed.ExitCode == 0, "the resumed upgrade did not succeed: " + resumed);
            Assert.Contains($"done before: {string.Join(", ", doneBefore)}", resumed.Output);
            // The summary table lists a step done before as skipped, never as succeeded with a duration.
            foreach (var done in doneBefore.Where(IsRepeatable))
                Assert.DoesNotMatch($@"\n{done}\s+Succeeded\s+[0-9<]", resumed.Output.Replace("\r", ""));
            // A kill meant for just after Frontend can land after Verify too (it takes a fraction of a second): then the
            // journal records Verify as passed and the last resume rightly skips it.
            if (!doneBefore.Contains("Verify"))
                Assert.Matches(@"Verify\s+Succeeded", resumed.Output);
        }
        Assert.Equal(UpgradeOutcome.Succeeded, deployment.Journals()[0].Outcome);
        Assert.Equal("0.3.0", await deployment.ServedVersionAsync());
        Assert.Equal("0.3.0", await deployment.FrontendVersionAsync());
        await using (var connection = await DeploymentSnapshot.OpenDatabaseAsync(deployment.Sandbox))
        {
            await using var head = new NpgsqlCommand("select version_num from alembic_version", connection);
            Assert.Equal("004_backfill_asset_owner", await head.ExecuteScalarAsync());
            await using var owners = new NpgsqlCommand("select count(*) from assets where owner is null or owner = ''", connection);
            Assert.Equal(0L, await owners.ExecuteScalarAsync());
            await using var tunnels = new NpgsqlCommand("select count(*) from agent_tunnels", connection);
            Assert.Equal(6L, await tunnels.ExecuteScalarAsync()); // one per agent: three seeded, three agent hosts
        }
        var after = await DeploymentSnapshot.TakeAsync(deployment.Sandbox);
        Assert.Equal(before.Snapshot.EnvFile, after.EnvFile);
        Assert.Equal(before.Snapshot.ComposeFile.Replace(":0.2.0", ":0.3.0"), after.ComposeFile);
        Assert.Equal(Protected(before.Snapshot), Protected(after));
        Assert.Empty(deployment.UnfinishedJournals());
        Assert.False(File.Exists(deployment.LockFile), "the resumed upgrade left the lock behind");
    }

    /// <summary>
    /// A resumed run killed after <paramref name="killedAfter"/> named what was done before it and ran none of it
    /// again: a second backup or a second pull would be wasted downtime or worse. A step that runs prints its header
    /// block ("║ Backup", InterruptibleRun runs as on a terminal); <paramref name="killedAfter"/> ran in this very run,
    /// so its header shows that the check can see one.
    /// </summary>
    static void AssertKilledResumeRepeatedNothing(string runOutput, IReadOnlyList<string> doneBefore, string killedAfter)
    {
        Assert.Contains($"done before: {string.Join(", ", doneBefore)}", runOutput);
        Assert.True(StepHeader(killedAfter).IsMatch(runOutput), $"no header of {killedAfter}, which this run completed:\n{runOutput}");
        foreach (var done in doneBefore.Where(IsRepeatable))
            Assert.False(StepHeader(done).IsMatch(runOutput), $"the resumed run ran {done} again although the journal had it done:\n{runOutput}");
    }

    /// <summary>
    /// `--dry-run --resume` tells what the resume would still do, names what the interrupted run did, and leaves its
    /// journal exactly as it was: still unfinished, the same steps, so the real resume continues it.
    /// </summary>
    async Task AssertDryRunOfTheResumeLeavesTheJournalAsync(UpgradeJournal interrupted)
    {
        var dryRun = await deployment.UpgradeAsync("0.3.0", "--resume", "--remove-stale-lock", "--dry-run");

        Assert.True(dryRun.ExitCode == 0, "the dry run of the resume failed: " + dryRun);
        var done = Nexplane.Upgrade.Runbook.RunbookTable.Steps.Select(step => step.ToString())
            .Where(step => step != "Preflight" && interrupted.HasCompleted(step)).ToArray();
        if (done.Length > 0)
            Assert.Contains($"Done by the interrupted run (its journal records them), not repeated: {string.Join(", ", done)}", dryRun.Output);
        var after = Assert.Single(deployment.UnfinishedJournals());
        Assert.Equal(interrupted.FilePath, after.FilePath);
        Assert.Equal(interrupted.CompletedSteps, after.CompletedSteps);
    }

    static bool IsRepeatable(string step) => step is "Backup" or "Pull" or "Stop" or "StartBackend" or "VerifyMigrations" or "Frontend";

    static Regex StepHeader(string step) => new($@"^║ {step}\r?$", RegexOptions.Multiline);

    static string Protected(DeploymentSnapshot snapshot) =>
        string.Join("\n", snapshot.Containers.Split('\n').Where(l => l.StartsWith("db ", StringComparison.Ordinal) || l.StartsWith("redis ", StringComparison.Ordinal)));
}

public sealed class ResumedBeforeTheDowntimeTests(ResumedEarlyDeployment fixture, ITestOutputHelper output)
    : ResumedUpgradeTests(fixture.Deployment, output), IClassFixture<ResumedEarlyDeployment>
{
    [Fact]
    public Task SIGKILL_after_Preflight_Backup_Pull_and_Stop_in_turn_each_time_resumed() =>
        Killed_after_each_step_and_resumed_each_time_ends_healthy_on_the_new_version("Preflight", "Backup", "Pull", "Stop");
}

public sealed class ResumedDuringTheDowntimeTests(ResumedLateDeployment fixture, ITestOutputHelper output)
    : ResumedUpgradeTests(fixture.Deployment, output), IClassFixture<ResumedLateDeployment>
{
    [Fact]
    public Task SIGKILL_after_StartBackend_VerifyMigrations_and_Frontend_in_turn_each_time_resumed() =>
        Killed_after_each_step_and_resumed_each_time_ends_healthy_on_the_new_version("StartBackend", "VerifyMigrations", "Frontend");
}
