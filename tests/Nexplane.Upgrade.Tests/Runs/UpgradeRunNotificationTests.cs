using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Notifications;
using Nexplane.Upgrade.Runs;
using Nexplane.Upgrade.Tests.Steps.Rollback;
using Nexplane.Upgrade.Tests.Operator;

namespace Nexplane.Upgrade.Tests.Runs;

/// <summary>What users are told when the upgrade ends, and how an undelivered notice is reported.</summary>
public sealed class UpgradeRunNotificationTests
{
    static UpgradeRun RunFrom020To030(RecordedOutput? output = null)
    {
        var run = new UpgradeRun(output ?? new RecordedOutput(), TestAdvice.Nuke);
        run.Report.Record.Append(new VersionsChosen("0.2.0", "0.3.0"));
        return run;
    }

    [Fact]
    public void A_verified_upgrade_is_announced_as_upgraded_with_its_downtime()
    {
        var run = RunFrom020To030();
        run.Report.Record.Append(new DowntimeBegan { At = DateTimeOffset.UnixEpoch });
        run.Report.Record.Append(new BackendAnswered { At = DateTimeOffset.UnixEpoch.AddSeconds(1.5) });

        var notice = run.OutcomeEvent(failedStep: null, verifySucceeded: true, rolledBack: false, stopBegan: true, "/r.json");

        Assert.Equal(UpgradeEventKind.Succeeded, notice.Kind);
        Assert.Equal("upgraded and healthy on 0.3.0", notice.Outcome);
        Assert.Equal(1.5, notice.DowntimeSeconds);
        Assert.Equal("/r.json", notice.ReportFile);
    }

    [Fact]
    public void A_rolled_back_upgrade_names_the_failed_step_and_the_rollbacks_own_outcome()
    {
        var run = RunFrom020To030();
        run.Report.Outcome = "rolled back and healthy on 0.2.0";

        var notice = run.OutcomeEvent("StartBackend", verifySucceeded: false, rolledBack: true, stopBegan: true, "/r.json");

        Assert.Equal(UpgradeEventKind.RolledBack, notice.Kind);
        Assert.Equal("StartBackend", notice.Step);
        Assert.Equal("rolled back and healthy on 0.2.0", notice.Outcome);
    }

    [Fact]
    public void A_failure_before_the_stop_tells_users_nothing_changed()
    {
        var notice = RunFrom020To030().OutcomeEvent("Pull", verifySucceeded: false, rolledBack: false, stopBegan: false, "/r.json");

        Assert.Equal(UpgradeEventKind.Failed, notice.Kind);
        Assert.Equal("The upgrade of Nexplane to 0.3.0 failed at Pull: nothing was changed; Nexplane still runs 0.2.0.", notice.Text);
    }

    [Fact]
    public async Task A_rollback_that_found_nothing_to_undo_tells_users_nothing_changed_not_that_it_rolled_back()
    {
        var directory = Path.Combine(Path.GetTempPath(), "nothing-to-undo-" + Guid.NewGuid().ToString("N"));
        try
        {
            var compose = Path.Combine(directory, "docker-compose.yml");
            Directory.CreateDirectory(directory);
            File.WriteAllText(compose, "services: {}\n");
            var run = RunFrom020To030();
            run.Journal = Nexplane.Upgrade.Runbook.UpgradeJournal.Create(Path.Combine(directory, "state"), "u1", compose);
            run.Journal.Record.Append(new VersionsChosen("0.2.0", "0.3.0"));
            run.Journal.MarkCompleted("Preflight");
            run.Journal.MarkCompleted("Backup");

            // Killed after Backup, then ./build.sh Rollback: the rollback target succeeds, having undone nothing.
            await run.RollBackAsync(stepsStartedInThisRun: null, UpgradeRunRollbackTests.Settings, new RecordedRollbackDeployment(), CancellationToken.None);
            var notice = run.OutcomeEvent("Pull", verifySucceeded: false, rolledBack: true, stopBegan: false, "/r.json");

            Assert.True(run.RollbackFoundNothingToUndo);
            Assert.Equal(UpgradeEventKind.Failed, notice.Kind);
            Assert.Equal("The upgrade of Nexplane to 0.3.0 failed at Pull: nothing was changed; Nexplane still runs 0.2.0.", notice.Text);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void A_rollback_that_needs_a_human_is_a_failure_with_the_rollbacks_words()
    {
        var run = RunFrom020To030();
        run.Report.Outcome = "needs a human";

        var notice = run.OutcomeEvent("Verify", verifySucceeded: false, rolledBack: false, stopBegan: true, "/r.json");

        Assert.Equal(UpgradeEventKind.Failed, notice.Kind);
        Assert.Equal("needs a human", notice.Outcome);
    }

    [Fact]
    public void An_undelivered_notice_is_a_warning_and_a_report_line_a_delivered_one_information()
    {
        var output = new RecordedOutput();
        var run = RunFrom020To030(output);

        run.RecordDeliveries([
            new WebhookDelivery("webhook 1 (hooks.example.com)", UpgradeEventKind.Started, false, "HTTP 500 Internal Server Error"),
            new WebhookDelivery("webhook 2 (chat.example.com)", UpgradeEventKind.Started, true, "HTTP 200 in 0.05 s"),
        ]);

        Assert.Equal([
            "WRN webhook 1 (hooks.example.com) was not notified of Started: HTTP 500 Internal Server Error; the upgrade goes on without it",
            "INF Notified webhook 2 (chat.example.com): Started (HTTP 200 in 0.05 s)",
        ], output.Lines);
        Assert.Equal([
            "webhook 1 (hooks.example.com): Started NOT delivered (HTTP 500 Internal Server Error)",
            "webhook 2 (chat.example.com): Started delivered (HTTP 200 in 0.05 s)",
        ], run.Report.Notifications);
        Assert.Contains("- Notification: webhook 1 (hooks.example.com): Started NOT delivered (HTTP 500 Internal Server Error)", run.Report.ToMarkdown());
    }

    [Fact]
    public void The_start_notice_carries_the_versions_preflight_found() =>
        Assert.Equal("Nexplane is being upgraded from 0.2.0 to 0.3.0: brief restart; active change executions will be interrupted and should be re-run.",
            RunFrom020To030().StartEvent().Text);
}
