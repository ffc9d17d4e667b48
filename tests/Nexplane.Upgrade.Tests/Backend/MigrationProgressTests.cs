using Nexplane.Upgrade.Backend;

namespace Nexplane.Upgrade.Tests.Backend;

/// <summary>Recorded backend logs (real Alembic/uvicorn format and the runbook's) read as the upgrade reads them.</summary>
public sealed class MigrationProgressTests
{
    static readonly DateTimeOffset Start = new(2026, 11, 25, 18, 0, 0, TimeSpan.Zero);

    static MigrationProgress Read(params (double Seconds, string Line)[] lines)
    {
        var progress = new MigrationProgress();
        foreach (var (seconds, line) in lines)
            progress.Observe(Start.AddSeconds(seconds), "stderr", line);
        return progress;
    }

    [Fact]
    public void Real_alembic_format_reports_each_revision_with_its_duration_and_the_head()
    {
        var progress = Read(
            (0.00, "INFO  [alembic.runtime.migration] Context impl PostgresqlImpl."),
            (0.01, "INFO  [alembic.runtime.migration] Will assume transactional DDL."),
            (0.10, "INFO  [alembic.runtime.migration] Running upgrade 002_asset_tags -> 003_agent_tunnels, add agent tunnels"),
            (0.50, "INFO  [alembic.runtime.migration] Running upgrade 003_agent_tunnels -> 004_backfill_asset_owner, backfill asset owner"),
            (2.50, "INFO:     Started server process [7]"),
            (2.60, "INFO:     Waiting for application startup."),
            (2.70, "INFO:     Application startup complete."));

        Assert.Equal(["002_asset_tags -> 003_agent_tunnels, add agent tunnels (0.40 s)",
                      "003_agent_tunnels -> 004_backfill_asset_owner, backfill asset owner (2.20 s)"],
            progress.Migrations.Select(m => m.ToString()));
        Assert.Equal("004_backfill_asset_owner", progress.Head);
        Assert.Equal(Start.AddSeconds(2.7), progress.StartupCompletedAt);
        Assert.Null(progress.FailureLine);
    }

    [Fact]
    public void A_migration_that_logs_its_own_progress_lasts_until_the_next_revision_or_the_startup_not_its_first_line()
    {
        var progress = Read(
            (0.0, "INFO  [alembic.runtime.migration] Running upgrade 004_name_index -> 005_asset_region, asset region"),
            (3.0, "INFO  [alembic.runtime.migration] backfilling assets.region: 20/200 rows"),
            (15.0, "INFO  [alembic.runtime.migration] backfilling assets.region: 100/200 rows"),
            (30.0, "INFO  [alembic.runtime.migration] backfilling assets.region: 200/200 rows"),
            (30.2, "INFO  [alembic.runtime.migration] Running upgrade 005_asset_region -> 006_region_index, region index"),
            (30.5, "INFO:     Started server process [7]"),
            (31.0, "INFO:     Application startup complete."));

        Assert.Equal([TimeSpan.FromSeconds(30.2), TimeSpan.FromSeconds(0.8)], progress.Migrations.Select(m => m.Duration!.Value.Round()));
        Assert.Null(progress.Running);
    }

    [Fact]
    public void The_running_migration_is_the_last_one_announced_until_the_startup_or_a_failure_ends_it()
    {
        var progress = Read((0.0, "INFO  [alembic.runtime.migration] Running upgrade 004 -> 005, asset region"));
        Assert.Equal("005", progress.Running?.To);

        progress.Observe(Start.AddSeconds(5), "stderr", "INFO  [alembic.runtime.migration] backfilling: 1/2");
        Assert.Equal("005", progress.Running?.To);

        progress.Observe(Start.AddSeconds(6), "stderr", "FAILED: Multiple head revisions are present");
        Assert.Null(progress.Running);
        Assert.Equal(TimeSpan.FromSeconds(6), progress.Migrations[0].Duration);
    }

    [Fact]
    public void Runbook_format_is_read_the_same_way()
    {
        var progress = Read(
            (0.0, "INFO alembic.runtime.migration - Running upgrade 004_backfill_asset_owner -> 005_change_windows, add change windows"),
            (0.2, "INFO alembic.runtime.migration - Running upgrade 005_change_windows -> 006_drop_legacy_flags, drop legacy flags"),
            (0.3, "INFO uvicorn.main - Application startup complete."));

        Assert.Equal(["005_change_windows", "006_drop_legacy_flags"], progress.Migrations.Select(m => m.To));
        Assert.Equal("add change windows", progress.Migrations[0].Description);
        Assert.NotNull(progress.StartupCompletedAt);
    }

    [Fact]
    public void The_first_revision_of_an_empty_database_has_no_previous_revision()
    {
        var progress = Read((0, "INFO  [alembic.runtime.migration] Running upgrade  -> 001_initial, initial schema"));

        var migration = Assert.Single(progress.Migrations);
        Assert.Equal("", migration.From);
        Assert.Equal("001_initial", migration.To);
        Assert.Equal("initial schema", migration.Description);
    }

    [Fact]
    public void Nothing_pending_leaves_the_head_unknown_rather_than_guessed()
    {
        var progress = Read(
            (0.0, "INFO  [alembic.runtime.migration] Context impl PostgresqlImpl."),
            (0.0, "INFO  [alembic.runtime.migration] Will assume transactional DDL."),
            (0.1, "INFO:     Application startup complete."));

        Assert.Empty(progress.Migrations);
        Assert.Null(progress.Head);
        Assert.NotNull(progress.StartupCompletedAt);
    }

    [Fact]
    public void Alembic_FAILED_is_a_failure_and_its_line_is_the_error()
    {
        var progress = Read(
            (0.0, "ERROR [alembic.util.messaging] Can't locate revision identified by '009_future'"),
            (0.0, "  FAILED: Can't locate revision identified by '009_future'"));

        Assert.Equal("FAILED: Can't locate revision identified by '009_future'", progress.FailureLine);
        Assert.Equal("FAILED: Can't locate revision identified by '009_future'", progress.ErrorSummary);
        Assert.Null(progress.StartupCompletedAt);
    }

    [Fact]
    public void A_traceback_is_summarised_by_its_exception_and_a_restart_after_it_is_not_reported_again()
    {
        var progress = Read(
            (0.00, "INFO  [alembic.runtime.migration] Context impl PostgresqlImpl."),
            (0.01, "INFO  [alembic.runtime.migration] Running upgrade 004_backfill_asset_owner -> 005_bad_index, add owner team index"),
            (0.02, "Traceback (most recent call last):"),
            (0.02, "  File \"/app/alembic/versions/005_bad_index.py\", line 24, in upgrade"),
            (0.02, "sqlalchemy.exc.ProgrammingError: (psycopg2.errors.UndefinedColumn) column \"owner_team_id\" does not exist"),
            (0.02, "[SQL: CREATE INDEX ix_assets_owner_team_id ON assets (owner_team_id)]"),
            (0.70, "INFO  [alembic.runtime.migration] Context impl PostgresqlImpl."),
            (0.71, "INFO  [alembic.runtime.migration] Running upgrade 004_backfill_asset_owner -> 005_bad_index, add owner team index"));

        Assert.Equal("Traceback (most recent call last):", progress.FailureLine);
        Assert.StartsWith("sqlalchemy.exc.ProgrammingError: (psycopg2.errors.UndefinedColumn)", progress.ErrorSummary);
        Assert.True(progress.RestartedAfterFailure);
        Assert.Single(progress.Migrations);
        Assert.Equal(8, progress.Lines.Count);
    }

    [Fact]
    public void Uvicorn_refusing_to_start_after_the_migrations_is_a_failure()
    {
        var progress = Read(
            (0.0, "INFO  [alembic.runtime.migration] Running upgrade 003_agent_tunnels -> 004_backfill_asset_owner, backfill asset owner"),
            (0.1, "INFO:     Started server process [7]"),
            (0.1, "INFO:     Waiting for application startup."),
            (0.2, "AttributeError: 'NoneType' object has no attribute 'startup_hooks'"),
            (0.2, "ERROR:    Application startup failed. Exiting."));

        Assert.Equal("ERROR:    Application startup failed. Exiting.", progress.FailureLine);
        Assert.Null(progress.StartupCompletedAt);
        Assert.Equal("004_backfill_asset_owner", progress.Head);
    }

    [Theory]
    [InlineData("2026-11-25T18:16:02.652123456Z INFO:     Application startup complete.", "INFO:     Application startup complete.", 6521234)]
    [InlineData("2026-11-25T18:16:02Z   FAILED: x", "  FAILED: x", 0)]
    public void Docker_timestamps_are_split_off_with_their_precision(string raw, string line, long ticksIntoSecond)
    {
        var (at, text) = MigrationLogWatcher.SplitTimestamp(raw);

        Assert.Equal(line, text);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 18, 16, 2, TimeSpan.Zero).AddTicks(ticksIntoSecond), at);
    }
}

static class DurationRounding
{
    /// <summary>To the millisecond: a sum of seconds in double is not exact.</summary>
    public static TimeSpan Round(this TimeSpan duration) => TimeSpan.FromMilliseconds(Math.Round(duration.TotalMilliseconds));
}
