using Nexplane.Upgrade.Runbook;

namespace Nexplane.Upgrade.Tests.Runbook;

/// <summary>The runbook as one table: its order, its point of no return, and a description for every step.</summary>
public sealed class RunbookTableTests
{
    [Fact]
    public void The_steps_follow_the_runbook_page_with_the_backup_before_pull_by_default()
    {
        Assert.Equal(
            [RunbookStep.Preflight, RunbookStep.Backup, RunbookStep.Pull, RunbookStep.Stop, RunbookStep.StartBackend, RunbookStep.VerifyMigrations,
             RunbookStep.Frontend, RunbookStep.Verify, RunbookStep.Agents],
            RunbookTable.Steps);
    }

    [Fact]
    public void With_the_backup_after_stop_it_runs_between_stop_and_the_new_backend()
    {
        var order = RunbookTable.InOrder(backupAfterStop: true);

        Assert.DoesNotContain(RunbookStep.Backup, order);
        Assert.Equal(order.ToList().IndexOf(RunbookStep.Stop) + 1, order.ToList().IndexOf(RunbookStep.BackupAfterStopping));
        Assert.Equal(order.ToList().IndexOf(RunbookStep.BackupAfterStopping) + 1, order.ToList().IndexOf(RunbookStep.StartBackend));
    }

    [Fact]
    public void Stop_is_the_point_of_no_return_up_to_verify_and_a_failed_agent_never_rolls_the_control_plane_back()
    {
        Assert.Equal(
            [RunbookStep.Stop, RunbookStep.BackupAfterStopping, RunbookStep.StartBackend, RunbookStep.VerifyMigrations, RunbookStep.Frontend, RunbookStep.Verify],
            RunbookTable.PastPointOfNoReturn);
        Assert.DoesNotContain(RunbookStep.Agents, RunbookTable.PastPointOfNoReturn);
    }

    [Fact]
    public void Every_step_has_one_row_with_a_description()
    {
        Assert.Equal(Enum.GetValues<RunbookStep>().Order(), RunbookTable.Entries.Select(entry => entry.Step).Order());
        Assert.All(Enum.GetValues<RunbookStep>(), step => Assert.False(string.IsNullOrWhiteSpace(RunbookTable.Description(step))));
    }

    [Fact]
    public void Each_step_follows_the_one_before_it_in_the_upgrade_order()
    {
        Assert.Null(RunbookTable.Previous(RunbookStep.Preflight));
        Assert.Equal(RunbookStep.Preflight, RunbookTable.Previous(RunbookStep.Backup));
        Assert.Equal(RunbookStep.Backup, RunbookTable.Previous(RunbookStep.Pull));
        Assert.Equal(RunbookStep.Pull, RunbookTable.Previous(RunbookStep.Stop));
        Assert.Equal(RunbookStep.Stop, RunbookTable.Previous(RunbookStep.StartBackend));
        Assert.Equal(RunbookStep.StartBackend, RunbookTable.Previous(RunbookStep.VerifyMigrations));
        Assert.Equal(RunbookStep.VerifyMigrations, RunbookTable.Previous(RunbookStep.Frontend));
        Assert.Equal(RunbookStep.Frontend, RunbookTable.Previous(RunbookStep.Verify));
        Assert.Equal(RunbookStep.Verify, RunbookTable.Previous(RunbookStep.Agents));
        Assert.Null(RunbookTable.Next(RunbookStep.Agents));
    }

    [Fact]
    public void The_backup_after_stopping_sits_between_Stop_and_StartBackend()
    {
        Assert.Equal(RunbookStep.Stop, RunbookTable.Previous(RunbookStep.BackupAfterStopping));
        Assert.Equal(RunbookStep.StartBackend, RunbookTable.Next(RunbookStep.BackupAfterStopping));
    }
}
