using Nexplane.Upgrade.DryRun;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Steps.Rehearse;

namespace Nexplane.Upgrade.Tests.DryRun;

/// <summary>The downtime a dry run predicts from the last passing rehearsal of the same path.</summary>
public sealed class RehearsalDowntimeTests : IDisposable
{
    readonly string _directory = Path.Combine(Path.GetTempPath(), $"rehearsal-downtime-{Guid.NewGuid():N}");
    static readonly DateTimeOffset Noon = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    static RehearsalReport Report(string id, bool passed, DateTimeOffset at) => new()
    {
        Id = id, ComposeFile = "/srv/a.yml", FromVersion = "0.2.0", ToVersion = "0.3.0", StartedAt = at, FinishedAt = at.AddSeconds(40),
        Passed = passed, FailedStep = passed ? null : "Verify", Reason = passed ? null : "login failed",
        PredictedDowntime = new DowntimePrediction(0.5, 0.6, 1.2),
    };

    [Fact]
    public void The_last_passing_rehearsal_of_the_path_predicts_the_downtime_and_is_named_as_its_source()
    {
        var rehearsals = new RehearsalReports(_directory);
        rehearsals.Save(Report("passed", true, Noon));
        rehearsals.Save(Report("failed-later", false, Noon.AddHours(1)));

        var predicted = new RehearsalDowntime(rehearsals, "/srv/a.yml").Predict(NexplaneVersion.Parse("0.2.0"), NexplaneVersion.Parse("0.3.0"));

        Assert.Equal(2.3, predicted!.Seconds);
        Assert.Equal("rehearsal of 2026-12-05 12:00 UTC: 2.3 s (measured on the copy: stop 0.50 s, compose up 0.60 s, start to healthy 1.20 s)",
            predicted.Source);
    }

    [Fact]
    public void Only_a_rehearsal_of_the_same_route_predicts_a_path_through_stops()
    {
        var rehearsals = new RehearsalReports(_directory);
        rehearsals.Save(Report("one-hop", true, Noon));
        rehearsals.Save(Report("through-0.2.5", true, Noon.AddHours(-1)) with { Stops = ["0.2.5"], PredictedDowntime = new DowntimePrediction(0.5, 0.6, 1.2) { StopsOnTheWaySeconds = 2 } });
        var downtime = new RehearsalDowntime(rehearsals, "/srv/a.yml");

        Assert.Equal(4.3, downtime.Predict(NexplaneVersion.Parse("0.2.0"), NexplaneVersion.Parse("0.3.0"), ["0.2.5"])!.Seconds);
        Assert.Equal(2.3, downtime.Predict(NexplaneVersion.Parse("0.2.0"), NexplaneVersion.Parse("0.3.0"))!.Seconds);
        Assert.Null(downtime.Predict(NexplaneVersion.Parse("0.2.0"), NexplaneVersion.Parse("0.3.0"), ["0.2.7"]));
    }

    [Fact]
    public void Without_a_passing_rehearsal_of_the_path_there_is_no_prediction()
    {
        var rehearsals = new RehearsalReports(_directory);
        rehearsals.Save(Report("failed", false, Noon));

        Assert.Null(new RehearsalDowntime(rehearsals, "/srv/a.yml").Predict(NexplaneVersion.Parse("0.2.0"), NexplaneVersion.Parse("0.3.0")));
        Assert.Null(new RehearsalDowntime(rehearsals, "/srv/a.yml").Predict(NexplaneVersion.Parse("0.2.0"), NexplaneVersion.Parse("0.3.1")));
    }
}
