using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Runs;

namespace Nexplane.Upgrade.Tests.Runs;

/// <summary>What the journal says when a run ends: the next run trusts it to start over, resume or roll back.</summary>
public sealed class JournalOutcomeRulesTests
{
    [Fact]
    public void A_passed_rollback_is_rolled_back_even_though_verify_passed_earlier() =>
        Assert.Equal(UpgradeOutcome.RolledBack, UpgradeRun.OutcomeAtEnd(rollbackSucceeded: true, verifySucceeded: true, stopBegan: true));

    [Fact]
    public void A_passed_verify_is_a_succeeded_upgrade() =>
        Assert.Equal(UpgradeOutcome.Succeeded, UpgradeRun.OutcomeAtEnd(rollbackSucceeded: false, verifySucceeded: true, stopBegan: true));

    [Fact]
    public void A_run_that_ended_before_stop_changed_nothing() =>
        Assert.Equal(UpgradeOutcome.NothingChanged, UpgradeRun.OutcomeAtEnd(rollbackSucceeded: false, verifySucceeded: false, stopBegan: false));

    [Fact]
    public void A_run_that_failed_past_stop_without_a_rollback_stays_unfinished() =>
        Assert.Null(UpgradeRun.OutcomeAtEnd(rollbackSucceeded: false, verifySucceeded: false, stopBegan: true));

    [Fact]
    public void Ending_the_run_keeps_an_outcome_the_rollback_already_recorded()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"run-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(directory);
            var compose = Path.Combine(directory, "docker-compose.yml");
            File.WriteAllText(compose, "services: {}\n");
            var run = new UpgradeRun(new RecordedOutput()) { Journal = UpgradeJournal.Create(directory, "u1", compose) };
            run.Journal.Outcome = UpgradeOutcome.NothingChanged;

            run.EndJournal(rollbackSucceeded: false, verifySucceeded: true, stopBegan: true);

            Assert.Equal(UpgradeOutcome.NothingChanged, run.Journal.Outcome);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
