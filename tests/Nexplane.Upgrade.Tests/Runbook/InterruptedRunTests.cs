using Nexplane.Upgrade.Runbook;

namespace Nexplane.Upgrade.Tests.Runbook;

/// <summary>What a killed run may have begun, from its journal alone.</summary>
public sealed class InterruptedRunTests : IDisposable
{
    readonly string _directory = Path.Combine(Path.GetTempPath(), $"interrupted-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    UpgradeJournal Journal(bool backupAfterStop, params RunbookStep[] completed)
    {
        var journal = UpgradeJournal.Create(_directory, "u1", Path.Combine(_directory, "docker-compose.yml"));
        journal.BackupAfterStop = backupAfterStop;
        foreach (var step in completed)
            journal.MarkCompleted(step.ToString());
        return journal;
    }

    [Fact]
    public void The_step_after_the_last_completed_one_may_have_begun()
    {
        var started = InterruptedRun.StartedSteps(Journal(false, RunbookStep.Preflight, RunbookStep.Backup, RunbookStep.Pull, RunbookStep.Stop));

        Assert.Equal([RunbookStep.Preflight, RunbookStep.Backup, RunbookStep.Pull, RunbookStep.Stop, RunbookStep.StartBackend], started);
    }

    [Fact]
    public void With_the_backup_after_stop_the_backup_follows_Stop()
    {
        var started = InterruptedRun.StartedSteps(Journal(true, RunbookStep.Preflight, RunbookStep.Pull, RunbookStep.Stop));

        Assert.Equal(RunbookStep.BackupAfterStopping, started.Last());
    }

    [Fact]
    public void Killed_before_any_step_completed_it_may_have_begun_Preflight()
    {
        Assert.Equal([RunbookStep.Preflight], InterruptedRun.StartedSteps(Journal(false)));
    }

    [Fact]
    public void After_the_last_step_nothing_more_may_have_begun()
    {
        var started = InterruptedRun.StartedSteps(Journal(false, RunbookTable.Steps.ToArray()));

        Assert.Equal(RunbookTable.Steps, started);
    }
}
