using System.Text.Json;
using System.Text.RegularExpressions;
using EndToEnd.Tests.Support;
using Nexplane.Upgrade.Runbook;
using Xunit.Abstractions;

namespace EndToEnd.Tests.Rollback;

public sealed class HangUpDeployment() : RollbackDeploymentFixture(85);

/// <summary>
/// Fault matrix, the operator's SSH connection drops during StartBackend: SIGHUP to the tool's session while the new
/// backend is inside its migrations. The run goes on to its end without the terminal (never a half-upgraded
/// deployment), its own log file and its journal say the terminal went away, Status shows it running meanwhile, and
/// the lock is released at the end. The migrations are slowed (NEXPLANE_MIGRATION_DELAY_MS) so that "inside the
/// migrations" is a window of seconds, entered on the first `Running upgrade` line. And when the tool does die there
/// (SIGKILL), the command Status prints continues it as printed (the dead run's lock is taken over), and the resumed
/// run reports the whole upgrade: the backup, the downtime from the first Stop, every migration.
/// </summary>
public sealed class HangUpDuringUpgradeTests(HangUpDeployment fixture, ITestOutputHelper output) : IClassFixture<HangUpDeployment>
{
    readonly RollbackDeployment _deployment = fixture.Deployment;

    [Fact]
    public async Task A_hang_up_during_the_migrations_lets_the_upgrade_finish_and_the_log_and_journal_say_so()
    {
        await _deployment.ReadyOnAsync("0.2.0");
        await SlowTheMigrationsAsync();

        using var upgrade = InterruptibleRun.Start(_deployment.UpgradeArguments("0.3.0"));
        await upgrade.WaitForLineAsync("Running upgrade 002_asset_tags -> 003_agent_tunnels", TimeSpan.FromMinutes(3));
        upgrade.Signal(InterruptibleRun.SigHup);

        // Meanwhile, from another terminal: the run is still going, holding the lock.
        var status = await BuildScript.RunAsync(["Status", "--no-logo", .. _deployment.ToolArguments], timeout: TimeSpan.FromMinutes(1));
        Assert.Contains("Running now: ", status.Output);
        Assert.Contains("Upgrade 0.2.0 -> 0.3.0 in progress since", status.Output);
        Assert.DoesNotContain("--resume", status.Output);

        var run = await upgrade.WaitForExitAsync(TimeSpan.FromMinutes(4));

        Assert.True(run.ExitCode == 0, "the upgrade did not finish after the hang-up: " + run);
        // The terminal got nothing after the hang-up: the rest is in the run's own log.
        Assert.False(run.Output.Contains("Upgraded and healthy", StringComparison.Ordinal), "the terminal got the end of the run after the hang-up:\n" + run.Output);
        var journal = _deployment.Journals()[0];
        Assert.Equal(UpgradeOutcome.Succeeded, journal.Outcome);
        var hangUp = Assert.IsType<TerminalHangUp>(journal.TerminalHungUp);
        var log = await File.ReadAllTextAsync(Assert.IsType<string>(hangUp.LogFile));
        Assert.Contains("The terminal went away (SIGHUP): the build goes on to its end without it", log);
        Assert.Contains("Upgraded and healthy: Nexplane 0.2.0 -> 0.3.0", log);
        Assert.Contains("Build succeeded", log);
        Assert.All(log.Split('\n').Where(line => line.Contains("downtime")), line => Assert.DoesNotContain("null", line));
        Assert.False(File.Exists(_deployment.LockFile), "the upgrade left its lock behind");
        Assert.Equal("0.3.0", await _deployment.ServedVersionAsync());

        // The backfill's own lines reached the output (here the run's log), and all of them its start-up output file.
        Assert.Contains("backend | INFO  [alembic.runtime.migration] backfilling 004_backfill_asset_owner: 100/200 rows", log);
        var outputFile = Regex.Match(log, @"the backend's output during its start-up is saved in (?<file>\S+)").Groups["file"].Value;
        Assert.Contains("backfilling 003_agent_tunnels: 200/200 rows", await File.ReadAllTextAsync(outputFile));
        // Each revision backfills for 8 s, logging as it goes: it lasts until the next revision or the start-up, not
        // until its first line (a lower bound the delay guarantees, whatever the machine's load).
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Regex.Match(log, @"Report: (?<file>\S+\.json)").Groups["file"].Value));
        var durations = report.RootElement.GetProperty("migrations").EnumerateArray()
            .Select(migration => Regex.Match(migration.GetString()!, @"\((?<seconds>[0-9.]+) s\)$").Groups["seconds"].Value)
            .ToList();
        Assert.Equal(2, durations.Count);
        Assert.All(durations, seconds => Assert.True(double.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture) >= 8, $"{seconds} s"));

        var after = await BuildScript.RunAsync(["Status", "--no-logo", .. _deployment.ToolArguments], timeout: TimeSpan.FromMinutes(1));
        Assert.Contains("Last upgrade: 0.2.0 -> 0.3.0", after.Output);
        Assert.Contains("Its terminal went away at", after.Output);
        RollbackMatrix.Record(output, "SIGHUP (the SSH connection drops) inside StartBackend's migrations: 0.2.0 -> 0.3.0",
            "went on without the terminal; healthy on 0.3.0", null);
    }

    [Fact]
    public async Task A_run_killed_during_the_migrations_is_continued_as_Status_says_and_reported_whole()
    {
        await _deployment.ReadyOnAsync("0.2.0");
        await SlowTheMigrationsAsync();
        using (var killed = InterruptibleRun.Start(_deployment.UpgradeArguments("0.3.0")))
        {
            await killed.WaitForLineAsync("Running upgrade 002_asset_tags -> 003_agent_tunnels", TimeSpan.FromMinutes(3));
            killed.Signal(InterruptibleRun.SigKill);
            await killed.WaitForGroupGoneAsync(TimeSpan.FromSeconds(30));
        }
        Assert.True(File.Exists(_deployment.LockFile), "a killed run leaves its lock");

        var status = await BuildScript.RunAsync(["Status", "--no-logo", .. _deployment.ToolArguments], timeout: TimeSpan.FromMinutes(1));
        Assert.Contains("continue with ./build.sh Upgrade --version 0.3.0 --resume.", status.Output);
        Assert.DoesNotContain("Running now: ", status.Output);

        // As printed (plus what names this instance instead of the default sandbox): no --remove-stale-lock.
        var resumed = await _deployment.UpgradeAsync("0.3.0", "--resume");

        Assert.True(resumed.ExitCode == 0, "the resumed upgrade did not succeed: " + resumed);
        Assert.Contains("Took over the upgrade lock", resumed.Output);
        Assert.All(resumed.Output.Split('\n').Where(line => line.Contains("downtime")), line => Assert.DoesNotContain("null", line));
        var closing = Regex.Match(resumed.Output, @"Upgraded and healthy: Nexplane 0\.2\.0 -> 0\.3\.0, downtime (?<seconds>[0-9.]+) s, backup (?<backup>[^\s,]+)");
        Assert.True(closing.Success, "no closing line: " + resumed);
        // Two slowed migrations lie between the first Stop and the backend's answer.
        Assert.True(double.Parse(closing.Groups["seconds"].Value, System.Globalization.CultureInfo.InvariantCulture) > 10, closing.Value);
        Assert.NotEqual("none", closing.Groups["backup"].Value);
        var reportFile = Regex.Match(resumed.Output, @"Report: (?<file>\S+\.json)").Groups["file"].Value;
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(reportFile));
        Assert.Equal(2, report.RootElement.GetProperty("migrations").GetArrayLength());
        Assert.False(File.Exists(_deployment.LockFile), "the resumed upgrade left the lock behind");
        Assert.Equal("0.3.0", await _deployment.ServedVersionAsync());
        RollbackMatrix.Record(output, "SIGKILL inside StartBackend's migrations, then Upgrade --resume as Status prints it (no --remove-stale-lock)",
            "lock taken over; resumed; healthy on 0.3.0, whole downtime and backup reported", null);
    }

    async Task SlowTheMigrationsAsync()
    {
        var compose = await File.ReadAllTextAsync(_deployment.Sandbox.ComposeFile);
        const string anchor = "      NEXPLANE_ADMIN_PASSWORD: ${NEXPLANE_ADMIN_PASSWORD}\n";
        Assert.Contains(anchor, compose);
        await File.WriteAllTextAsync(_deployment.Sandbox.ComposeFile, compose.Replace(anchor, anchor + "      NEXPLANE_MIGRATION_DELAY_MS: \"8000\"\n"));
    }
}
