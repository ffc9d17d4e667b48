using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Steps.Stop;
using Nexplane.Upgrade.Tests.Runs;

namespace Nexplane.Upgrade.Tests.Steps.Stop;

/// <summary>Stop as it judges what the engine and PostgreSQL answer, given as data.</summary>
public sealed class StopStepTests
{
    readonly RecordedOutput _output = new();

    static readonly DateTimeOffset BackendSignalled = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>An app that stops as told, whose tables show the given write counters, and whose database gives a horizon (or refuses).</summary>
    sealed class StoppedApp(IReadOnlyDictionary<string, long>? counters = null, TransactionHorizon? horizon = null, params StoppedContainer[] stopped) : IAppStop
    {
        public List<string> Calls { get; } = [];

        public Task<IReadOnlyList<StoppedContainer>> StopAsync(IReadOnlyCollection<string> services, CancellationToken cancellationToken)
        {
            Calls.Add("stop " + string.Join(",", services));
            return Task.FromResult<IReadOnlyList<StoppedContainer>>(stopped);
        }

        public Task<IReadOnlyDictionary<string, long>> CaptureWriteCountersAsync(CancellationToken cancellationToken)
        {
            Calls.Add("write counters");
            return Task.FromResult(counters ?? throw new InvalidOperationException("the database is not asked"));
        }

        public Task<TransactionHorizon> RecordTransactionHorizonAsync(CancellationToken cancellationToken)
        {
            Calls.Add("record horizon");
            return horizon is null ? throw new InvalidOperationException("permission denied for function pg_current_snapshot") : Task.FromResult(horizon);
        }

        public Task<HorizonCheck> CheckSinceHorizonAsync(TransactionHorizon since, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("Stop does not check the horizon");
    }

    static readonly StopSettings Settings = new("backend", TimeSpan.FromSeconds(5), "--stop-timeout", "Take the backup after the stop.");

    static readonly TransactionHorizon AtStop = new(700, 705, [702], BackendSignalled.AddHours(-1), 16384, ["002_asset_tags"], "digest", BackendSignalled);

    [Fact]
    public async Task The_downtime_starts_when_the_backend_was_told_to_stop_and_a_killed_service_is_reported()
    {
        var app = new StoppedApp(stopped:
        [
            new StoppedContainer("worker", "nexplane-worker-1", "w1", 137, 5.2, BackendSignalled.AddSeconds(-1), false),
            new StoppedContainer("backend", "nexplane-backend-1", "b1", 0, 0.2, BackendSignalled, true),
        ]);

        var result = await new StopStep(_output).RunAsync(new StopInput(["backend", "worker"], Settings, null, RecordHorizon: false), app,
            CancellationToken.None);

        Assert.Equal(BackendSignalled, result.DowntimeStartedAt);
        var warning = Assert.Single(_output.Lines, line => line.StartsWith("WRN"));
        Assert.StartsWith("WRN worker was killed after --stop-timeout", warning);
        Assert.Equal("worker 5.2s exit 137, backend 0.2s exit 0", _output.Summary["Stopped"]);
    }

    [Fact]
    public async Task Tables_written_after_the_backup_are_named_with_how_to_avoid_the_window()
    {
        var app = new StoppedApp(new Dictionary<string, long> { ["assets"] = 12, ["users"] = 3 });
        var clock = new Nexplane.Upgrade.Tests.Time.AdvancingClock();
        var backup = new WritesAtBackup(new Dictionary<string, long> { ["assets"] = 10, ["users"] = 3 }, clock.UtcNow.AddSeconds(-4));

        var result = await new StopStep(_output, clock).RunAsync(new StopInput(["backend"], Settings, backup, RecordHorizon: false), app,
            CancellationToken.None);

        Assert.Equal(new Dictionary<string, long> { ["assets"] = 2 }, result.TablesWrittenAfterBackup);
        Assert.Equal(4, result.WriteWindowSeconds);
        Assert.Contains(_output.Lines, line => line.StartsWith("WRN Write window: 1 table(s)") && line.Contains("(assets: 2 rows)")
                                               && line.EndsWith("Take the backup after the stop."));
    }

    [Fact]
    public async Task Without_a_backup_in_this_run_there_is_no_window_to_report()
    {
        var app = new StoppedApp();

        var result = await new StopStep(_output).RunAsync(new StopInput(["backend"], Settings, null, RecordHorizon: false), app, CancellationToken.None);

        Assert.Null(result.WriteWindowSeconds);
        Assert.DoesNotContain("write counters", app.Calls);
        Assert.DoesNotContain(_output.Lines, line => line.Contains("Write window"));
    }

    [Fact]
    public async Task The_horizon_is_recorded_once_the_app_is_stopped()
    {
        var app = new StoppedApp(horizon: AtStop);

        var result = await new StopStep(_output).RunAsync(new StopInput(["backend"], Settings, null, RecordHorizon: true), app, CancellationToken.None);

        Assert.Equal(["stop backend", "record horizon"], app.Calls);
        Assert.Equal(AtStop, result.Horizon);
    }

    [Fact]
    public async Task A_horizon_PostgreSQL_refuses_to_give_is_a_warning_and_leaves_the_rollback_to_restore()
    {
        var result = await new StopStep(_output).RunAsync(new StopInput(["backend"], Settings, null, RecordHorizon: true), new StoppedApp(),
            CancellationToken.None);

        Assert.Null(result.Horizon);
        Assert.Contains("WRN The transaction horizon could not be recorded (permission denied for function pg_current_snapshot): " +
                        "a rollback will restore the backup", _output.Lines);
    }
}
