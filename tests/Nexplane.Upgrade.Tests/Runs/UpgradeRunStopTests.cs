using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Runs;

namespace Nexplane.Upgrade.Tests.Runs;

/// <summary>Stop as the run judges it, with the engine's answers given as data.</summary>
public sealed class UpgradeRunStopTests
{
    readonly RecordedOutput _output = new();

    static readonly DateTimeOffset BackendSignalled = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    sealed class StoppedApp(params StoppedContainer[] stopped) : IAppStop
    {
        public Task<IReadOnlyList<StoppedContainer>> StopAsync(IReadOnlyCollection<string> services, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<StoppedContainer>>(stopped);

        public Task<IReadOnlyDictionary<string, long>> CaptureWriteCountersAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyDictionary<string, long>>(new Dictionary<string, long>());

        // A run without a journal records no horizon (UpgradeRunTransactionHorizonTests covers the one with).
        public Task<TransactionHorizon> RecordTransactionHorizonAsync(CancellationToken cancellationToken) =>
            throw new InvalidOperationException("a run without a journal records no horizon");

        public Task<HorizonCheck> CheckSinceHorizonAsync(TransactionHorizon horizon, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("Stop does not check the horizon");
    }

    static readonly StopSettings Settings = new("backend", TimeSpan.FromSeconds(5), "--stop-timeout", "");

    [Fact]
    public async Task The_downtime_starts_when_the_backend_was_told_to_stop_and_a_killed_service_is_reported()
    {
        var run = new UpgradeRun(_output);
        var app = new StoppedApp(
            new StoppedContainer("worker", "nexplane-worker-1", "w1", 137, 5.2, BackendSignalled.AddSeconds(-1), false),
            new StoppedContainer("backend", "nexplane-backend-1", "b1", 0, 0.2, BackendSignalled, true));

        await run.StopAppAsync(["backend", "worker"], Settings, app, CancellationToken.None);

        Assert.Equal(BackendSignalled, run.Report.DowntimeStartedAt);
        var warning = Assert.Single(_output.Lines, line => line.StartsWith("WRN"));
        Assert.StartsWith("WRN worker was killed after --stop-timeout", warning);
        Assert.Equal("worker 5.2s exit 137, backend 0.2s exit 0", _output.Summary["Stopped"]);
    }
}
