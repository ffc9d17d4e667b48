using System.Text.RegularExpressions;
using EndToEnd.Tests.Support;
using Npgsql;
using Xunit.Abstractions;

namespace EndToEnd.Tests.Rollback;

public sealed class ResumedEarlyDeployment() : RollbackDeploymentFixture(37);
public sealed class ResumedLateDeployment() : RollbackDeploymentFixture(38);

/// <summary>
/// Fault matrix, SIGKILL after each step followed by `--resume` (with --remove-stale-lock, as the refusal says): the
/// upgrade continues from its journal and ends healthy on the NEW version, with the migrations applied once, the data
/// transformed, and db and redis untouched.
/// </summary>
public abstract class ResumedUpgradeTests(RollbackDeployment deployment, ITestOutputHelper output)
{
    static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    protected async Task Killed_after_a_step_then_resumed_ends_healthy_on_the_new_version(string step)
    {
        await deployment.ReadyOnAsync("0.2.0");
        var before = await deployment.CaptureAsync();
        var journalsBefore = deployment.Journals().Select(j => j.FilePath).ToHashSet();

        await KilledUpgradeTests.KillAfterAsync(deployment, journalsBefore, step);
        var resumed = await deployment.UpgradeAsync("0.3.0", "--resume", "--remove-stale-lock");

        RollbackMatrix.Record(output, $"SIGKILL after {step}, then Upgrade --resume --remove-stale-lock: 0.2.0 -> 0.3.0",
            resumed.ExitCode == 0 ? "resumed; healthy on 0.3.0" : $"resume FAILED (exit {resumed.ExitCode})", null);
        Assert.True(resumed.ExitCode == 0, "the resumed upgrade did not succeed: " + resumed);
        Assert.Matches(@"Verify\s+Succeeded", resumed.Output);
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
        // The completed steps are not repeated: a second backup or a second pull would be wasted downtime or worse.
        foreach (var done in RollbackStepsUpTo(step).Where(s => s is "Backup" or "Pull" or "Stop"))
            Assert.DoesNotMatch($@"{done}\s+Succeeded\s+[0-9<]", Regex.Replace(resumed.Output, @"\r", ""));
    }

    static IEnumerable<string> RollbackStepsUpTo(string step) =>
        Nexplane.Upgrade.Runs.Runbook.Steps.Select(s => s.ToString()).TakeWhile(s => s != step).Append(step);

    static string Protected(DeploymentSnapshot snapshot) =>
        string.Join("\n", snapshot.Containers.Split('\n').Where(l => l.StartsWith("db ", StringComparison.Ordinal) || l.StartsWith("redis ", StringComparison.Ordinal)));
}

public sealed class ResumedBeforeTheDowntimeTests(ResumedEarlyDeployment fixture, ITestOutputHelper output)
    : ResumedUpgradeTests(fixture.Deployment, output), IClassFixture<ResumedEarlyDeployment>
{
    [Theory]
    [InlineData("Preflight")]
    [InlineData("Backup")]
    [InlineData("Pull")]
    [InlineData("Stop")]
    public Task SIGKILL_after_then_resume(string step) => Killed_after_a_step_then_resumed_ends_healthy_on_the_new_version(step);
}

public sealed class ResumedDuringTheDowntimeTests(ResumedLateDeployment fixture, ITestOutputHelper output)
    : ResumedUpgradeTests(fixture.Deployment, output), IClassFixture<ResumedLateDeployment>
{
    [Theory]
    [InlineData("StartBackend")]
    [InlineData("VerifyMigrations")]
    [InlineData("Frontend")]
    public Task SIGKILL_after_then_resume(string step) => Killed_after_a_step_then_resumed_ends_healthy_on_the_new_version(step);
}
