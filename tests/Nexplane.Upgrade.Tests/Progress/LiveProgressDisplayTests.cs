using Nexplane.Upgrade.Progress;
using Spectre.Console;
using Spectre.Console.Testing;

namespace Nexplane.Upgrade.Tests.Progress;

/// <summary>Progress on an interactive terminal: a Spectre.Console live display, here drawn on a recording console.</summary>
public sealed class LiveProgressDisplayTests
{
    static TestConsole Terminal()
    {
        var console = new TestConsole().Interactive().EmitAnsiSequences();
        console.Profile.Width = 160;
        return console;
    }

    [Fact]
    public async Task Shows_a_row_per_piece_of_work_with_its_amount_share_and_rate()
    {
        var console = Terminal();
        var display = new LiveProgressDisplay(console);

        using (var backup = display.Start("Backing up nexplane", ProgressUnit.Bytes, total: 1L << 30))
        using (var migration = display.Start("Migration 004 -> 005: add index", ProgressUnit.Elapsed))
        {
            backup.Report(256L << 20);
            await WaitUntilAsync(() => console.Output.Contains("256.0 MB of 1.0 GB"));
        }

        Assert.Contains("Backing up nexplane", console.Output);
        Assert.Contains("25 %", console.Output);
        Assert.Contains("Migration 004 -> 005: add index", console.Output);
    }

    [Fact]
    public async Task A_migration_that_states_its_share_in_its_log_gets_a_bar_with_its_share()
    {
        var console = Terminal();
        var display = new LiveProgressDisplay(console);

        using (var running = new Nexplane.Upgrade.Backend.RunningMigrationLine(display))
        {
            running.Show(new Nexplane.Upgrade.Backend.AppliedMigration("004", "005", "asset region", DateTimeOffset.UnixEpoch, null));
            running.Share(Nexplane.Upgrade.Backend.MigrationShare.Of("INFO  [alembic.runtime.migration] backfilling assets.region: 120/200 rows")!.Value);
            await WaitUntilAsync(() => console.Output.Contains("60 %"));
        }

        Assert.Contains("Migration 004 -> 005: asset region", console.Output);
    }

    [Fact]
    public async Task Lines_written_through_the_console_while_it_runs_appear_above_the_display()
    {
        var console = Terminal();
        var display = new LiveProgressDisplay(console);

        using (var restore = display.Start("Restoring nexplane", ProgressUnit.Rows, total: 100))
        {
            restore.Report(10);
            await WaitUntilAsync(() => console.Output.Contains("10 of 100 rows"));
            console.Write(new ControlCode("10:00:00 [INF] a log line\n"));
            restore.Report(60);
            await WaitUntilAsync(() => console.Output.Contains("60 of 100 rows"));
        }

        var output = console.Output;
        var logLine = output.IndexOf("10:00:00 [INF] a log line", StringComparison.Ordinal);
        Assert.True(logLine >= 0, output);
        // The display was redrawn below the log line, not overwritten by it.
        Assert.True(output.IndexOf("60 of 100 rows", logLine, StringComparison.Ordinal) > logLine, output);
    }

    [Fact]
    public async Task Ends_when_the_last_line_ends_and_opens_again_for_the_next()
    {
        var console = Terminal();
        var display = new LiveProgressDisplay(console);

        display.Start("Pulling backend", ProgressUnit.Bytes).Dispose();
        using var second = display.Start("Pulling frontend", ProgressUnit.Bytes);
        second.Report(2L << 20);

        await WaitUntilAsync(() => console.Output.Contains("Pulling frontend") && console.Output.Contains("2.0 MB"));
    }

    [Fact]
    public async Task Labels_are_redacted_like_log_lines()
    {
        var console = Terminal();
        var display = new LiveProgressDisplay(console, text => text.Replace("s3cr3t-token", "****", StringComparison.Ordinal));

        using (var pull = display.Start("Pulling registry.example/nexplane/backend:0.3.0?token=s3cr3t-token", ProgressUnit.Bytes))
        {
            pull.Report(1L << 20);
            await WaitUntilAsync(() => console.Output.Contains("1.0 MB"));
            pull.Relabel("Pulling again with s3cr3t-token");
            pull.Report(2L << 20);
            await WaitUntilAsync(() => console.Output.Contains("2.0 MB"));
        }

        Assert.Contains("token=****", console.Output);
        Assert.DoesNotContain("s3cr3t-token", console.Output);
    }

    /// <summary>
    /// Spectre redraws on its own timer; the test waits for the redraw it expects, up to a bound. The recording console's
    /// buffer is written by Spectre's render thread, so a read in the middle of a write may throw: that read is retried.
    /// </summary>
    static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!Holds(condition))
        {
            Assert.True(DateTime.UtcNow < deadline, "the live display never showed the expected text");
            await Task.Delay(20);
        }
    }

    static bool Holds(Func<bool> condition)
    {
        try
        {
            return condition();
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }
}
