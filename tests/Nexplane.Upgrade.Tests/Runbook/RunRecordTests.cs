using Nexplane.Upgrade.Runbook;

namespace Nexplane.Upgrade.Tests.Runbook;

/// <summary>What the journal, the report and a resumed run read from the one record of an upgrade.</summary>
public sealed class RunRecordTests
{
    static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_downtime_runs_from_the_first_Stop_to_the_last_time_the_backend_came_up()
    {
        // The interrupted run stopped the app and its backend answered; the resumed run stopped again and started it again.
        var record = new RunRecord([
            new DowntimeBegan { At = T0 }, new BackendAnswered { At = T0.AddSeconds(5) },
            new DowntimeBegan { At = T0.AddSeconds(60) }, new BackendAnswered { At = T0.AddSeconds(70) },
        ]);

        Assert.Equal((T0, T0.AddSeconds(70)), (record.DowntimeStartedAt, record.DowntimeEndedAt));
    }

    [Fact]
    public void A_resumed_run_that_reads_the_backends_log_again_counts_each_migration_once_and_keeps_the_head_the_log_named()
    {
        var record = new RunRecord();
        record.Append(new MigrationsReported(["003 -> 004", "004 -> 005"], "005"));
        // The resumed run's backend found nothing pending: its log names no head.
        record.Append(new MigrationsReported(["004 -> 005"], null));

        Assert.Equal(["003 -> 004", "004 -> 005"], record.Migrations);
        Assert.Equal("005", record.HeadFromLogs);
        Assert.Equal("005", record.MigrationHead);
    }

    [Fact]
    public void The_head_VerifyMigrations_found_is_the_records_head()
    {
        var record = new RunRecord([new MigrationsReported([], "005"), new MigrationsVerified("005_branch_merge")]);

        Assert.Equal(("005", "005_branch_merge"), (record.HeadFromLogs, record.MigrationHead));
    }

    [Fact]
    public void A_step_completed_twice_counts_once_in_the_order_it_first_did()
    {
        var record = new RunRecord([new StepCompleted("Preflight"), new StepCompleted("Backup"), new StepCompleted("Preflight")]);

        Assert.Equal(["Preflight", "Backup"], record.CompletedSteps.Select(step => step.Name));
    }

    [Fact]
    public void The_last_versions_and_backup_recorded_are_the_records()
    {
        var record = new RunRecord([new VersionsChosen("0.2.0", "0.3.0"), new BackupVerified("/backups/a.dump"), new BackupVerified("/backups/b.dump")]);

        Assert.Equal(("0.2.0", "0.3.0", "/backups/b.dump"), (record.FromVersion, record.ToVersion, record.BackupFile));
    }

    [Fact]
    public void Every_entry_is_told_as_it_is_appended()
    {
        var record = new RunRecord();
        var told = new List<int>();
        record.Appended += () => told.Add(record.Facts.Count);

        record.Append(new StepCompleted("Preflight"));
        record.Append(new BackupVerified("/backups/a.dump"));

        Assert.Equal([1, 2], told);
    }
}
