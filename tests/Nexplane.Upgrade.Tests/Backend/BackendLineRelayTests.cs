using Nexplane.Upgrade.Backend;

namespace Nexplane.Upgrade.Tests.Backend;

/// <summary>
/// The backend's own lines reach the operator redacted and prefixed; a chatty backend is held to
/// <see cref="BackendLineRelay.LinesPerSecond"/> lines a second by its own timestamps, and what is held back is said.
/// </summary>
public class BackendLineRelayTests
{
    static readonly DateTimeOffset Start = new(2026, 12, 7, 1, 0, 0, TimeSpan.Zero);
    readonly List<string> _shown = [];

    BackendLineRelay Relay() => new(_shown.Add, line => line.Replace("s3cret", "****"), "/state/migration-output-u1.log");

    [Fact]
    public void Each_line_is_shown_prefixed_and_redacted()
    {
        var relay = Relay();

        relay.Relay(Start, "INFO  [alembic.runtime.migration] backfilling assets.region: 40/200 rows");
        relay.Relay(Start.AddSeconds(0.5), "connecting with password s3cret");
        relay.End();

        Assert.Equal(["backend | INFO  [alembic.runtime.migration] backfilling assets.region: 40/200 rows", "backend | connecting with password ****"], _shown);
    }

    [Fact]
    public void A_flood_is_cut_to_the_limit_per_second_and_the_rest_is_counted_and_said()
    {
        var relay = Relay();

        for (var i = 0; i < 500; i++)
            relay.Relay(Start.AddMilliseconds(i), $"row {i}");
        relay.Relay(Start.AddSeconds(1.5), "after the flood");
        for (var i = 0; i < 15; i++)
            relay.Relay(Start.AddSeconds(1.6), $"second burst {i}");
        relay.End();

        Assert.Equal([.. Enumerable.Range(0, 10).Select(i => $"backend | row {i}"),
                      "backend | ... 490 more line(s) in that second, not shown here (every line is in /state/migration-output-u1.log)",
                      "backend | after the flood",
                      .. Enumerable.Range(0, 9).Select(i => $"backend | second burst {i}"),
                      "backend | ... 6 more line(s) in that second, not shown here (every line is in /state/migration-output-u1.log)"],
            _shown);
    }

    [Fact]
    public void A_line_stamped_before_the_window_opens_a_new_one_instead_of_holding_the_old_one_open()
    {
        var relay = Relay();

        for (var i = 0; i < 12; i++)
            relay.Relay(Start.AddMinutes(5), $"ahead {i}");
        relay.Relay(Start, "behind");
        relay.End();

        Assert.Equal([.. Enumerable.Range(0, 10).Select(i => $"backend | ahead {i}"),
                      "backend | ... 2 more line(s) in that second, not shown here (every line is in /state/migration-output-u1.log)",
                      "backend | behind"],
            _shown);
    }
}
