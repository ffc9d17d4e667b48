using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Runs;
using Nexplane.Upgrade.Steps.Stop;
using Nexplane.Upgrade.Tests.Steps.Rollback;
using Nexplane.Upgrade.Tests.Operator;

namespace Nexplane.Upgrade.Tests.Runs;

/// <summary>What the run records of Stop: the transaction horizon a rollback's proof starts from goes into the journal.</summary>
public sealed class UpgradeRunStopTests : IDisposable
{
    readonly string _directory = Path.Combine(Path.GetTempPath(), $"run-stop-{Guid.NewGuid():N}");
    readonly RecordedOutput _output = new();

    static readonly DateTimeOffset ServerStarted = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);

    static readonly TransactionHorizon AtStop = new(1001, 1001, [], ServerStarted, 16384, ["002_asset_tags"], "digest", ServerStarted.AddHours(4));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    /// <summary>An upgrade's run about to stop the app (the deployment's stop is recorded by the rollback's fake, which stops too).</summary>
    UpgradeRun MigrationFailedRun(TransactionHorizon? horizon)
    {
        Directory.CreateDirectory(_directory);
        var compose = Path.Combine(_directory, "docker-compose.yml");
        File.WriteAllText(compose, "services: {}\n");
        var journal = UpgradeJournal.Create(Path.Combine(_directory, "state"), "u1", compose);
        journal.Record.Append(new VersionsChosen("0.2.0", "0.3.1"));
        journal.Record.Append(new BackupVerified("/backups/before.dump"));
        journal.PreviousImages["backend"] = "nexplane-backend:0.2.0";
        journal.PreviousImages["worker"] = "nexplane-worker:0.2.0";
        foreach (var step in new[] { RunbookStep.Preflight, RunbookStep.Backup, RunbookStep.Pull, RunbookStep.Stop })
            journal.MarkCompleted(step.ToString());
        journal.TransactionHorizon = horizon;
        journal.Save();
        return new UpgradeRun(_output, TestAdvice.Nuke) { Journal = journal };
    }

    [Fact]
    public async Task Stop_records_the_horizon_in_the_journal_once_the_app_is_stopped()
    {
        var run = MigrationFailedRun(null);
        var app = new RecordedRollbackDeployment { Horizon = AtStop };

        await run.StopAppAsync(["backend", "worker"], new StopSettings("backend", TimeSpan.FromSeconds(5), "--stop-timeout", ""), app,
            CancellationToken.None);

        Assert.Equal(["stop backend,worker", "record horizon"], app.Calls);
        var recorded = UpgradeJournal.Load(run.Journal!.FilePath).TransactionHorizon;
        Assert.NotNull(recorded);
        Assert.Equal((AtStop.Xmin, AtStop.Xmax, AtStop.ServerStartedAt, AtStop.DatabaseOid, AtStop.SchemaDigest),
            (recorded.Xmin, recorded.Xmax, recorded.ServerStartedAt, recorded.DatabaseOid, recorded.SchemaDigest));
        Assert.Equal(AtStop.AlembicRevisions, recorded.AlembicRevisions);
    }

    [Fact]
    public async Task A_horizon_PostgreSQL_refuses_to_give_leaves_none_in_the_journal_so_the_rollback_restores()
    {
        var run = MigrationFailedRun(null);
        var app = new RecordedRollbackDeployment();

        await run.StopAppAsync(["backend", "worker"], new StopSettings("backend", TimeSpan.FromSeconds(5), "--stop-timeout", ""), app,
            CancellationToken.None);

        Assert.Null(UpgradeJournal.Load(run.Journal!.FilePath).TransactionHorizon);
    }
}
