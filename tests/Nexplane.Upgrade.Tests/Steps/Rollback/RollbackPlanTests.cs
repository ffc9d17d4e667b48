using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Steps.Rollback;
using Nexplane.Upgrade.Tests.Operator;

namespace Nexplane.Upgrade.Tests.Steps.Rollback;

public sealed class RollbackPlanTests : IDisposable
{
    readonly string _directory = Path.Combine(Path.GetTempPath(), $"rollback-{Guid.NewGuid():N}");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    UpgradeJournal Journal(string? backup, params string[] completed)
    {
        Directory.CreateDirectory(_directory);
        var compose = Path.Combine(_directory, "docker-compose.yml");
        File.WriteAllText(compose, "services: {}\n");
        var journal = UpgradeJournal.Create(Path.Combine(_directory, "state"), "u1", compose);
        if (backup is not null)
            journal.Record.Append(new BackupVerified(backup));
        foreach (var step in completed)
            journal.MarkCompleted(step);
        return journal;
    }

    [Fact]
    public void Before_stop_there_is_nothing_to_undo()
    {
        var plan = RollbackPlan.For(Journal("b.dump", "Preflight", "Backup"), [RunbookStep.Pull], TestAdvice.Nuke);

        Assert.True(plan.NothingToUndo);
        Assert.Contains("never changed", plan.Explanation);
    }

    [Fact]
    public void After_stop_the_previous_version_is_started_again_without_touching_the_database()
    {
        var plan = RollbackPlan.For(Journal("b.dump", "Preflight", "Backup", "Pull"), [RunbookStep.Stop], TestAdvice.Nuke);

        Assert.False(plan.NothingToUndo);
        Assert.True(plan.StopAppServices);
        Assert.False(plan.RestoreDatabase);
    }

    [Fact]
    public void Once_the_new_backend_started_the_database_is_restored_too()
    {
        var plan = RollbackPlan.For(Journal("b.dump", "Preflight", "Backup", "Pull", "Stop"), [RunbookStep.StartBackend], TestAdvice.Nuke);

        Assert.True(plan.RestoreDatabase);
        Assert.False(plan.NothingToUndo);
        Assert.False(plan.RevertFrontend);
    }

    [Fact]
    public void The_frontend_is_reverted_only_once_its_own_step_began()
    {
        var plan = RollbackPlan.For(Journal("b.dump", "Preflight", "Backup", "Pull", "Stop", "StartBackend", "VerifyMigrations"), [RunbookStep.Frontend], TestAdvice.Nuke);

        Assert.True(plan.RevertFrontend);
    }

    [Fact]
    public void A_killed_run_is_assumed_to_have_begun_the_step_after_its_last_completed_one()
    {
        var journal = Journal("b.dump", "Preflight", "Backup", "Pull", "Stop");

        var plan = RollbackPlan.For(journal, InterruptedRun.StartedSteps(journal), TestAdvice.Nuke);

        Assert.True(plan.RestoreDatabase);
    }

    [Fact]
    public void With_the_backup_after_stop_a_run_killed_after_stop_had_not_migrated_yet()
    {
        var journal = Journal(null, "Preflight", "Pull", "Stop");
        journal.BackupAfterStop = true;

        var plan = RollbackPlan.For(journal, InterruptedRun.StartedSteps(journal), TestAdvice.Nuke);

        Assert.False(plan.RestoreDatabase);
        Assert.False(plan.NothingToUndo);
    }

    [Fact]
    public void A_migrated_database_without_a_recorded_backup_needs_a_human()
    {
        var exception = Assert.Throws<InvalidOperationException>(() =>
            RollbackPlan.For(Journal(null, "Preflight", "Backup", "Pull", "Stop", "StartBackend"), [], TestAdvice.Nuke));

        Assert.Contains("./build.sh Restore --backup-file", exception.Message);
    }
}
