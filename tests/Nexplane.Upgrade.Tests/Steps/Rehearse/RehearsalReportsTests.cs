using Nexplane.Upgrade.Steps.Rehearse;

namespace Nexplane.Upgrade.Tests.Steps.Rehearse;

/// <summary>Rehearsals are kept as files and found again by deployment, path and database.</summary>
public sealed class RehearsalReportsTests : IDisposable
{
    readonly string _directory = Path.Combine(Path.GetTempPath(), "rehearsal-reports-" + Guid.NewGuid().ToString("N"));
    static readonly DateTimeOffset Noon = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    static RehearsalReport Report(string id, bool passed, DateTimeOffset at, string from = "0.2.0", string to = "0.3.0", string compose = "/srv/a.yml") => new()
    {
        Id = id, ComposeFile = compose, FromVersion = from, ToVersion = to, StartedAt = at, FinishedAt = at.AddSeconds(40), Passed = passed,
        FailedStep = passed ? null : "StartBackend", Reason = passed ? null : "the container restarted 2 time(s)",
        PredictedDowntime = new DowntimePrediction(0.5, 0.6, 1.2),
        Migrations = [new RehearsedMigration("002", "003", "add tunnels", 0.25)],
    };

    [Fact]
    public void A_saved_report_reads_back_with_its_verdict_migrations_and_predicted_downtime()
    {
        var store = new RehearsalReports(_directory);
        var path = store.Save(Report("a", true, Noon));

        var read = store.LastOf("/srv/a.yml", "0.2.0", "0.3.0")!;

        Assert.Equal(path, read.Path);
        Assert.True(read.Passed);
        Assert.Equal(2.3, read.PredictedDowntime!.Seconds);
        Assert.Equal([new RehearsedMigration("002", "003", "add tunnels", 0.25)], read.Migrations);
    }

    [Fact]
    public void The_last_rehearsal_is_the_newest_of_the_same_deployment_and_versions()
    {
        var store = new RehearsalReports(_directory);
        store.Save(Report("old", true, Noon.AddHours(-2)));
        store.Save(Report("new", false, Noon));
        store.Save(Report("other-path", true, Noon.AddHours(1), to: "0.3.1"));
        store.Save(Report("other-deployment", true, Noon.AddHours(1), compose: "/srv/b.yml"));

        Assert.Equal("new", store.LastOf("/srv/a.yml", "0.2.0", "0.3.0")!.Id);
        Assert.Equal("old", store.LastPassingOf("/srv/a.yml", "0.2.0", "0.3.0")!.Id);
        Assert.Null(store.LastOf("/srv/a.yml", "0.3.0", "0.4.0"));
    }

    [Fact]
    public void Only_a_rehearsal_of_the_database_there_now_counts_when_that_database_is_named()
    {
        var store = new RehearsalReports(_directory);
        var now = new Nexplane.Upgrade.Database.DatabaseIdentity("7000000000000000002", 16384, "nexplane");
        store.Save(Report("earlier-installation", true, Noon) with { Database = now with { SystemIdentifier = "7000000000000000001" } });
        store.Save(Report("this-database", true, Noon.AddHours(-1)) with { Database = now });

        Assert.Equal("earlier-installation", store.LastPassingOf("/srv/a.yml", "0.2.0", "0.3.0")!.Id);
        Assert.Equal("this-database", store.LastPassingOf("/srv/a.yml", "0.2.0", "0.3.0", now)!.Id);
        Assert.Null(store.LastPassingOf("/srv/a.yml", "0.2.0", "0.3.0", now with { Oid = 1 }));
    }

    [Fact]
    public void A_file_that_is_not_a_report_is_no_rehearsal()
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllText(Path.Combine(_directory, "rehearsal-broken.json"), "{ not json");

        Assert.Null(new RehearsalReports(_directory).LastOf("/srv/a.yml", "0.2.0", "0.3.0"));
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }
}
