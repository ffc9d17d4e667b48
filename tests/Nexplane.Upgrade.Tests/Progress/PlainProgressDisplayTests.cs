using Microsoft.Extensions.Time.Testing;
using Nexplane.Upgrade.Progress;

namespace Nexplane.Upgrade.Tests.Progress;

/// <summary>Progress where no live display can be drawn (CI, a pipe, a file): plain log lines at an interval.</summary>
public sealed class PlainProgressDisplayTests
{
    readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-06T10:00:00Z"));
    readonly List<string> _lines = [];

    PlainProgressDisplay Display() => new(_lines.Add, TimeSpan.FromSeconds(10), _time);

    [Fact]
    public void Each_running_piece_of_work_is_logged_once_per_interval_with_amount_share_rate_and_elapsed_time()
    {
        using var display = Display();
        using var backup = display.Start("Backing up nexplane", ProgressUnit.Bytes, total: 1L << 30);

        backup.Report(256L << 20);
        _time.Advance(TimeSpan.FromSeconds(10));
        backup.Report(512L << 20);
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(
        [
            "Backing up nexplane: 256.0 MB of 1.0 GB, 25 %, 25.6 MB/s, 0:10",
            "Backing up nexplane: 512.0 MB of 1.0 GB, 50 %, 25.6 MB/s, 0:20",
        ], _lines);
    }

    [Fact]
    public void Work_that_ends_within_the_interval_adds_no_line()
    {
        using var display = Display();
        using (var pull = display.Start("Pulling backend", ProgressUnit.Bytes))
        {
            pull.Report(5_000_000);
            _time.Advance(TimeSpan.FromSeconds(9));
        }
        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.Empty(_lines);
    }

    [Fact]
    public void A_running_migration_says_how_long_it_has_been_running()
    {
        using var display = Display();
        using var migration = display.Start("Migration 004 -> 005: add index", ProgressUnit.Elapsed);

        _time.Advance(TimeSpan.FromSeconds(10));
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(["Migration 004 -> 005: add index: running for 0:10", "Migration 004 -> 005: add index: running for 0:20"], _lines);
    }

    [Fact]
    public void A_migration_that_states_its_share_in_its_log_shows_it_beside_the_time_it_has_been_running()
    {
        using var display = Display();
        using var running = new Nexplane.Upgrade.Backend.RunningMigrationLine(display);
        running.Show(new Nexplane.Upgrade.Backend.AppliedMigration("004", "005", "asset region", DateTimeOffset.UnixEpoch, null));

        _time.Advance(TimeSpan.FromSeconds(10));
        running.Share(Nexplane.Upgrade.Backend.MigrationShare.Of("INFO  [alembic.runtime.migration] backfilling assets.region: 80/200 rows")!.Value);
        _time.Advance(TimeSpan.FromSeconds(10));
        // A lower count in a later line never moves the share back.
        running.Share(0.1);
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(["Migration 004 -> 005: asset region: running for 0:10", "Migration 004 -> 005: asset region: 40 %, running for 0:20",
                      "Migration 004 -> 005: asset region: 40 %, running for 0:30"], _lines);
    }

    [Fact]
    public void Rows_and_hosts_read_as_counts_of_their_total_and_a_relabelled_line_uses_its_new_label()
    {
        using var display = Display();
        using var restore = display.Start("Restoring nexplane", ProgressUnit.Rows, total: 5_500_000);
        using var agents = display.Start("Agents", ProgressUnit.Hosts, total: 50);
        restore.Report(1_100_000);
        agents.Report(6);
        agents.Relabel("Agents, wave 2 of 10 (5 hosts)");

        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(
        [
            "Restoring nexplane: 1,100,000 of 5,500,000 rows, 20 %, 110,000 rows/s, 0:10",
            "Agents, wave 2 of 10 (5 hosts): 6 of 50 hosts, 12 %, 0:10",
        ], _lines);
    }

    [Fact]
    public void The_lines_hold_no_control_characters()
    {
        using var display = Display();
        using var line = display.Start("Pulling registry.example/nexplane/backend:0.3.0 (backend)", ProgressUnit.Bytes);
        line.Report(123_456_789);
        line.SetTotal(200_000_000);

        _time.Advance(TimeSpan.FromSeconds(10));

        var text = Assert.Single(_lines);
        Assert.DoesNotContain(text, character => char.IsControl(character));
    }
}
