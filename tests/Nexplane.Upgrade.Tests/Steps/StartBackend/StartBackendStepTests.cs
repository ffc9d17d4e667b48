using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Steps.StartBackend;
using Nexplane.Upgrade.Tests.Runs;

namespace Nexplane.Upgrade.Tests.Steps.StartBackend;

/// <summary>How StartBackend judges the new backend's start, with the deployment's operations recorded instead of made.</summary>
public sealed class StartBackendStepTests : IDisposable
{
    readonly string _directory = Directory.CreateTempSubdirectory("start-backend-").FullName;
    readonly RecordedOutput _output = new();
    static readonly DateTimeOffset StoppedAt = RecordedBackendStart.HealthyAt.AddSeconds(-2.5);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    StartBackendInput Input(params string[] services) =>
        new(services, services.Select(service => (service, "0.3.0")).ToArray(), Path.Combine(_directory, "migration-output.log"), StoppedAt);

    static AppliedMigration Migration(string from, string to) => new(from, to, "add a column", DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(1));

    /// <summary>The whole step, as the run calls it.</summary>
    async Task<(MigrationResult Migrations, DateTimeOffset? HealthyAt)> StartAsync(StartBackendInput input, RecordedBackendStart deployment)
    {
        var step = new StartBackendStep(_output);
        var migrations = await step.MigrateAsync(input, deployment, CancellationToken.None);
        if (migrations is not MigrationsApplied applied)
            return (migrations, null);
        var healthyAt = await step.WaitUntilHealthyAsync(input, deployment, CancellationToken.None);
        await step.ConfirmStableAsync(input, applied.Outcome, deployment, CancellationToken.None);
        return (migrations, healthyAt);
    }

    [Fact]
    public async Task The_new_tags_are_pinned_before_the_services_start_and_the_backend_is_followed_to_a_stable_startup()
    {
        var deployment = new RecordedBackendStart(_ => new MigrationOutcome([Migration("003", "004"), Migration("004", "005")], "005", DateTimeOffset.UnixEpoch));

        var input = Input("backend", "worker");
        var (migrations, _) = await StartAsync(input, deployment);

        Assert.Equal(
            ["pin backend=0.3.0,worker=0.3.0", "start backend,worker", "watch migrations", "wait for health", "confirm stable backend,worker"],
            deployment.Calls);
        Assert.Equal("005", Assert.IsType<MigrationsApplied>(migrations).Outcome.Head);
        Assert.Contains($"INF 2 migration(s) applied, head 005; startup completed; the backend's output during its start-up is saved in {input.OutputFile}", _output.Lines);
        Assert.Equal("2, head 005", _output.Summary["Migrations"]);
    }

    [Fact]
    public async Task A_backend_that_does_not_start_is_not_waited_for_and_the_file_with_its_output_is_named()
    {
        var deployment = new RecordedBackendStart(file => throw new MigrationFailedException("the backend exited with code 1", file));
        var input = Input("backend", "worker");

        var (migrations, healthyAt) = await StartAsync(input, deployment);

        var failed = Assert.IsType<BackendDidNotStart>(migrations);
        Assert.Null(healthyAt);
        Assert.Equal(input.OutputFile, failed.Failure.OutputFile);
        Assert.Contains(failed.NextSteps, step => step.Contains(input.OutputFile) && step.Contains("bug report"));
        Assert.Contains(failed.NextSteps, step => step.StartsWith("The Rollback step puts the previous images back"));
        Assert.Contains($"ERR The backend's full output is saved in {input.OutputFile}", _output.Lines);
        Assert.Contains(_output.Lines, line => line.StartsWith("ERR What next:") && line.Contains("report the failed migration"));
        Assert.Equal(["pin backend=0.3.0,worker=0.3.0", "start backend,worker", "watch migrations"], deployment.Calls);
        Assert.False(_output.Summary.ContainsKey("Migrations"));
    }

    [Fact]
    public async Task What_follows_a_failed_start_is_said_as_the_caller_names_it_so_a_rehearsal_never_promises_a_rollback()
    {
        var deployment = new RecordedBackendStart(file => throw new MigrationFailedException("the backend exited with code 1", file));
        var input = Input("backend") with { AfterAFailure = new AfterAFailedStart("the rehearsal ends here", "The rehearsal ended here.", "rehearse again") };

        var (migrations, _) = await StartAsync(input, deployment);

        var failed = Assert.IsType<BackendDidNotStart>(migrations);
        Assert.Contains("The rehearsal ended here.", failed.NextSteps);
        Assert.DoesNotContain(failed.NextSteps, step => step.Contains("Rollback"));
        Assert.Contains(_output.Lines, line => line.StartsWith("ERR What next: the rehearsal ends here;"));
        Assert.DoesNotContain(_output.Lines, line => line.Contains("Rollback"));
    }

    [Fact]
    public async Task A_backend_that_stops_on_its_configuration_is_named_for_the_operator_not_reported_as_a_bug()
    {
        var deployment = new RecordedBackendStart(file =>
        {
            File.WriteAllText(file, "2026-12-05T20:29:10.406Z stderr Configuration error: NEXPLANE_ENCRYPTION_KEY is not set. The backend will not start.\n");
            throw new MigrationFailedException("the backend exited with code 1", file);
        });

        var (migrations, _) = await StartAsync(Input("backend"), deployment);

        var failed = Assert.IsType<BackendDidNotStart>(migrations);
        Assert.Contains(failed.NextSteps, step => step.Contains("Configuration error: NEXPLANE_ENCRYPTION_KEY is not set") && step.Contains("set what it names"));
        Assert.DoesNotContain(failed.NextSteps, step => step.Contains("bug report"));
        Assert.DoesNotContain(_output.Lines, line => line.Contains("report the failed migration"));
        Assert.Contains(_output.Lines, line => line.StartsWith("ERR What next:") && line.Contains("set what the backend names in the deployment's .env"));
    }

    [Fact]
    public async Task The_downtime_ends_when_the_backend_first_answers_its_health_endpoint_and_is_said_from_Stop()
    {
        var deployment = new RecordedBackendStart(_ => new MigrationOutcome([], null, DateTimeOffset.UnixEpoch));

        var (_, healthyAt) = await StartAsync(Input("backend"), deployment);

        Assert.Equal(RecordedBackendStart.HealthyAt, healthyAt);
        Assert.Contains("INF The backend answers /health again after 2.5 s of downtime", _output.Lines);
    }

    [Fact]
    public async Task Without_the_downtimes_start_the_line_says_so_rather_than_a_figure_or_null()
    {
        var deployment = new RecordedBackendStart(_ => new MigrationOutcome([], null, DateTimeOffset.UnixEpoch));

        await StartAsync(Input("backend") with { DowntimeStartedAt = null }, deployment);

        Assert.Contains("INF The backend answers /health again; when its downtime began is not recorded", _output.Lines);
    }

    [Fact]
    public async Task With_nothing_pending_the_head_stays_unknown()
    {
        var deployment = new RecordedBackendStart(_ => new MigrationOutcome([], null, DateTimeOffset.UnixEpoch));

        var (migrations, _) = await StartAsync(Input("backend"), deployment);

        Assert.Null(Assert.IsType<MigrationsApplied>(migrations).Outcome.Head);
        Assert.Contains(_output.Lines, line => line.StartsWith("INF No migration was pending; startup completed; the backend's output during its start-up is saved in "));
        Assert.Equal("0, head unchanged", _output.Summary["Migrations"]);
    }
}
