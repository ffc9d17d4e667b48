using Docker.DotNet;
using EndToEnd.Tests.Support;
using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Processes;

namespace EndToEnd.Tests.Upgrade;

/// <summary>
/// The Stop and StartBackend services against a real sandbox backend (shell as PID 1, restart: unless-stopped,
/// Alembic-style log on stderr): a graceful stop, a failing migration that crash-loops, then a good one.
/// </summary>
public sealed class BackendStartTests : IAsyncLifetime
{
    readonly SandboxInstance _sandbox = new(26);
    readonly List<string> _log = [];
    IDockerClient _docker = null!;

    public async Task InitializeAsync()
    {
        UpgradeRun.ForgetJournalsOf(_sandbox);
        await _sandbox.StartFreshAsync("0.2.0");
        _docker = await DeploymentContainers.ConnectAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        _docker.Dispose();
        await _sandbox.RemoveAsync();
    }

    DeploymentContainers Containers => new(_docker, _sandbox.Project);

    static readonly ICommandRunner Commands = new CliWrapCommandRunner();

    async Task<ComposeCli> ComposeAsync() =>
        new((await ComposeCli.ChooseAsync(Commands, ComposeCommand.Auto, await Containers.CreatedByComposeVersionAsync("backend", CancellationToken.None), "--compose-command",
                CancellationToken.None)).Variant, _sandbox.ComposeFile, _sandbox.Project, _sandbox.EnvFile, new ProtectedServiceGuard(["db", "redis"], TestAdvice.Nuke));

    async Task<string> StartOnAsync(string version, string upgradeId)
    {
        new TagPinner(_sandbox.ComposeFile, _sandbox.EnvFile, upgradeId, TestAdvice.Nuke).Pin([("backend", version), ("worker", version)]);
        await Commands.RunCheckedAsync((await ComposeAsync()).Up(["backend", "worker"]));
        return (await Containers.OfServiceAsync("backend", CancellationToken.None)).OrderByDescending(c => c.StartedAt).First().Id;
    }

    [Fact]
    public async Task A_container_started_again_is_judged_only_by_what_it_printed_since_this_start()
    {
        var stopper = new GracefulServiceStopper(_docker, Containers, new ProtectedServiceGuard(["db", "redis"], TestAdvice.Nuke), _log.Add);
        await stopper.StopAsync(["backend", "worker"], TimeSpan.FromSeconds(5), CancellationToken.None);
        var before = (await Containers.OfServiceAsync("backend", CancellationToken.None)).Single().Id;

        // The very same stopped container started again, as compose v1 does with an unchanged config ("Starting", not
        // "Recreating"; v2 may recreate it instead): started through the engine, so the test holds on either compose.
        var startedSince = DateTimeOffset.UtcNow;
        await _docker.Containers.StartContainerAsync(before, new Docker.DotNet.Models.ContainerStartParameters());
        var backend = (await Containers.OfServiceAsync("backend", CancellationToken.None)).Single().Id;
        Assert.Equal(before, backend);

        var watcher = new MigrationLogWatcher(_docker, _log.Add, TestAdvice.Nuke);
        var failureFile = Path.Combine(_sandbox.DeployDirectory, "restart-output.log");
        var wholeLog = await watcher.WatchAsync(backend, TimeSpan.FromSeconds(60), failureFile, null, CancellationToken.None);
        Assert.Contains(wholeLog.Migrations, m => m.To == "001_initial"); // its earlier life is still in the log
        _log.Clear();

        var thisStart = await watcher.WatchAsync(backend, TimeSpan.FromSeconds(60), failureFile, startedSince, CancellationToken.None);

        Assert.Empty(thisStart.Migrations);
        Assert.Null(thisStart.Head);
        Assert.DoesNotContain(_log, line => line.Contains("Running upgrade"));
        Assert.True(thisStart.StartupCompletedAt >= startedSince, $"startup completed at {thisStart.StartupCompletedAt:O}, before this start {startedSince:O}");
    }

    [Fact]
    public async Task A_graceful_stop_a_crash_looping_migration_and_a_good_one_are_each_told_apart()
    {
        var protectedBefore = await UpgradedSandbox.ProtectedContainersAsync(_sandbox);

        // Stop: the shell as PID 1 ignores TERM; the app must still stop cleanly and fast, and stay stopped.
        var stopper = new GracefulServiceStopper(_docker, Containers, new ProtectedServiceGuard(["db", "redis"], TestAdvice.Nuke), _log.Add);
        var stopped = await stopper.StopAsync(["backend", "worker"], TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.Equal(2, stopped.Count);
        Assert.All(stopped, s =>
        {
            Assert.Equal(0, s.ExitCode); // not 137: stopped by its TERM, not killed by the fallback timeout
        });
        Assert.True(stopped.Single(s => s.Service == "backend").SignalledInside);
        await Task.Delay(1500); // restart: unless-stopped would have restarted it by now
        Assert.All(await Containers.OfServiceAsync("backend", CancellationToken.None), c => Assert.Equal("exited", c.State));

        // 0.3.1: its migration fails with a traceback, exits 1 and is restarted by the policy.
        var watcher = new MigrationLogWatcher(_docker, _log.Add, TestAdvice.Nuke);
        var failureFile = Path.Combine(_sandbox.DeployDirectory, "migration-output.log");
        var backend = await StartOnAsync("0.3.1", "test-bad");
        var failure = await Assert.ThrowsAsync<MigrationFailedException>(() =>
            watcher.WatchAsync(backend, TimeSpan.FromSeconds(60), failureFile, null, CancellationToken.None));
        Assert.Contains("column \"owner_team_id\" does not exist", failure.Message);
        Assert.Equal(failureFile, failure.OutputFile);
        var saved = await File.ReadAllTextAsync(failureFile);
        Assert.Contains("Running upgrade 002_asset_tags -> 003_agent_tunnels", saved);
        Assert.Contains("[SQL: CREATE INDEX ix_assets_owner_team_id ON assets (owner_team_id)]", saved);
        Assert.Contains(" stderr ", saved);

        // 0.3.0 on the same database: the failed run rolled back, so both revisions run now.
        _log.Clear();
        backend = await StartOnAsync("0.3.0", "test-good");
        var outcome = await watcher.WatchAsync(backend, TimeSpan.FromSeconds(60), failureFile + ".2", null, CancellationToken.None);
        Assert.Equal(["003_agent_tunnels", "004_backfill_asset_owner"], outcome.Migrations.Select(m => m.To));
        Assert.Equal("004_backfill_asset_owner", outcome.Head);
        Assert.Contains(_log, line => line.StartsWith("Running upgrade 002_asset_tags -> 003_agent_tunnels, add agent tunnels"));
        await new HealthWaiter(new HttpClient()).WaitAsync(new Uri(_sandbox.BackendUrl + "/health"), TimeSpan.FromSeconds(30), "--health-timeout", CancellationToken.None);
        await new ContainerStability(_docker).ConfirmStableAsync("backend", backend, 0, TimeSpan.FromSeconds(2), CancellationToken.None);

        Assert.Equal(protectedBefore, await UpgradedSandbox.ProtectedContainersAsync(_sandbox));
    }

    [Fact]
    public async Task A_backend_that_migrates_then_crash_loops_is_a_failure_even_when_one_sample_looks_running()
    {
        var stopper = new GracefulServiceStopper(_docker, Containers, new ProtectedServiceGuard(["db", "redis"], TestAdvice.Nuke), _log.Add);
        await stopper.StopAsync(["backend", "worker"], TimeSpan.FromSeconds(5), CancellationToken.None);

        var backend = await StartOnAsync("0.3.2", "test-crash");
        var failure = await Assert.ThrowsAsync<MigrationFailedException>(() =>
            new MigrationLogWatcher(_docker, _log.Add, TestAdvice.Nuke).WatchAsync(backend, TimeSpan.FromSeconds(60),
                Path.Combine(_sandbox.DeployDirectory, "crash.log"), null, CancellationToken.None));

        Assert.Contains("AttributeError", failure.Message);
        Assert.Contains("004_backfill_asset_owner", failure.Message);
    }
}
