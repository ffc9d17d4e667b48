using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Runs;
using Nexplane.Upgrade.Tests.Runs;
using Nexplane.Upgrade.Tests.Operator;

namespace Nexplane.Upgrade.Tests.Runbook;

/// <summary>
/// The end-of-run rules over the targets' states and the journal: the rollback runs exactly when the deployment may be
/// half-upgraded, and the journal's outcome is what the next run trusts to start over, resume or roll back.
/// </summary>
public sealed class RunEndTests
{
    static RunEnd Run(params (string Name, TargetState State)[] plan) => new(plan, [], RollbackInvoked: false, DryRun: false);

    static (string, TargetState) Done(string name) => (name, TargetState.Succeeded);

    static readonly (string, TargetState)[] UpToPull = [Done("Preflight"), Done("Backup"), Done("Pull")];

    [Fact]
    public void A_passed_rollback_is_rolled_back_even_though_verify_passed_earlier() =>
        Assert.Equal(UpgradeOutcome.RolledBack, Run([.. UpToPull, Done("Stop"), Done("Verify"), Done("Rollback")]).Outcome);

    [Fact]
    public void A_passed_verify_is_a_succeeded_upgrade_whatever_the_agents_did() =>
        Assert.Equal(UpgradeOutcome.Succeeded, Run([.. UpToPull, Done("Stop"), Done("Verify"), ("Agents", TargetState.Failed)]).Outcome);

    [Fact]
    public void A_run_that_ended_before_stop_changed_nothing() =>
        Assert.Equal(UpgradeOutcome.NothingChanged, Run([.. UpToPull[..2], ("Pull", TargetState.Failed), ("Stop", TargetState.NotRun)]).Outcome);

    [Fact]
    public void A_run_that_failed_past_stop_without_a_rollback_stays_unfinished() =>
        Assert.Null(Run([.. UpToPull, Done("Stop"), ("StartBackend", TargetState.Failed), ("Rollback", TargetState.Failed)]).Outcome);

    [Fact]
    public void A_stop_cut_short_by_ctrl_c_began_the_downtime_and_needs_the_rollback()
    {
        var end = Run([.. UpToPull, ("Stop", TargetState.Aborted)]);

        Assert.True(end.StopBegan);
        Assert.True(end.RollbackNeeded);
        Assert.Equal("Stop", end.FailedStep);
    }

    [Fact]
    public void A_failed_agent_never_rolls_the_healthy_control_plane_back() =>
        Assert.False(Run([.. UpToPull, Done("Stop"), Done("StartBackend"), Done("Verify"), ("Agents", TargetState.Failed)]).RollbackNeeded);

    [Fact]
    public void A_failure_before_the_point_of_no_return_needs_no_rollback() =>
        Assert.False(Run([Done("Preflight"), ("Backup", TargetState.Failed)]).RollbackNeeded);

    [Fact]
    public void Rollback_asked_for_runs_except_in_a_dry_run()
    {
        Assert.True(new RunEnd([], [], RollbackInvoked: true, DryRun: false).RollbackNeeded);
        Assert.False(new RunEnd([.. UpToPull, ("Stop", TargetState.Failed)], [], RollbackInvoked: true, DryRun: true).RollbackNeeded);
    }

    [Fact]
    public void The_failed_step_is_the_first_runbook_step_that_failed_not_a_notification()
    {
        var end = Run(Done("Preflight"), ("NotifyUsers", TargetState.Failed), Done("Pull"), Done("Stop"), ("StartBackend", TargetState.Failed),
            ("Rollback", TargetState.Failed));

        Assert.Equal("StartBackend", end.FailedStep);
    }

    [Fact]
    public void The_steps_this_run_began_are_those_that_ran_whatever_their_end()
    {
        var end = Run(Done("Preflight"), ("Backup", TargetState.NotRun), Done("Pull"), Done("Stop"), ("StartBackend", TargetState.Aborted),
            ("VerifyMigrations", TargetState.NotRun), Done("NotifyUsers"));

        Assert.Equal([RunbookStep.Preflight, RunbookStep.Pull, RunbookStep.Stop, RunbookStep.StartBackend], end.StartedSteps);
    }

    [Fact]
    public void A_resumed_run_knows_the_downtime_began_from_the_interrupted_runs_journal() =>
        Assert.True(new RunEnd([("Stop", TargetState.NotRun), ("StartBackend", TargetState.Failed)], ["Preflight", "Backup", "Pull", "Stop"],
            RollbackInvoked: false, DryRun: false).StopBegan);

    [Fact]
    public void Ending_the_run_keeps_an_outcome_the_rollback_already_recorded()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"run-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(directory);
            var compose = Path.Combine(directory, "docker-compose.yml");
            File.WriteAllText(compose, "services: {}\n");
            var run = new UpgradeRun(new RecordedOutput(), TestAdvice.Nuke) { Journal = UpgradeJournal.Create(directory, "u1", compose) };
            run.Journal.Outcome = UpgradeOutcome.NothingChanged;

            run.EndJournal(UpgradeOutcome.Succeeded);

            Assert.Equal(UpgradeOutcome.NothingChanged, run.Journal.Outcome);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
