using Nexplane.Upgrade.DryRun;
using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Releases;

namespace Nexplane.Upgrade.Tests.DryRun;

/// <summary>The downtime a past upgrade of the same path measured predicts the next one's.</summary>
public sealed class PastUpgradeDowntimeTests : IDisposable
{
    readonly string _directory = Directory.CreateTempSubdirectory("past-downtime-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    string ComposeFile(string deployment)
    {
        var directory = Path.Combine(_directory, deployment);
        Directory.CreateDirectory(directory);
        return Path.Combine(directory, "docker-compose.yml");
    }

    string Journals => Path.Combine(_directory, "upgrade");

    void Upgrade(string id, string deployment, string from, string to, UpgradeOutcome? outcome, double? downtime, DateTimeOffset startedAt)
    {
        var journal = UpgradeJournal.Create(Journals, id, ComposeFile(deployment));
        var loaded = UpgradeJournal.Load(journal.FilePath);
        var dated = new UpgradeJournal { Id = id, ComposeFile = loaded.ComposeFile, StartedAt = startedAt, Record = new RunRecord([new VersionsChosen(from, to)]),
            Outcome = outcome };
        File.WriteAllText(journal.FilePath, System.Text.Json.JsonSerializer.Serialize(dated,
            new System.Text.Json.JsonSerializerOptions { PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower }));
        var report = new UpgradeReport { Id = id };
        report.Record.Append(new VersionsChosen(from, to));
        if (downtime is { } seconds)
        {
            report.Record.Append(new DowntimeBegan { At = startedAt });
            report.Record.Append(new BackendAnswered { At = startedAt.AddSeconds(seconds) });
        }
        File.WriteAllText(Path.Combine(Journals, $"report-{id}.json"), report.ToJson());
    }

    PredictedDowntime? Predict(string deployment, string from, string to) =>
        new PastUpgradeDowntime(new JournalStore(Journals), ComposeFile(deployment)).Predict(NexplaneVersion.Parse(from), NexplaneVersion.Parse(to));

    static readonly DateTimeOffset Monday = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_newest_successful_upgrade_of_the_same_path_of_this_deployment_is_the_prediction()
    {
        Upgrade("a", "prod", "0.2.0", "0.3.0", UpgradeOutcome.Succeeded, 3.0, Monday);
        Upgrade("b", "prod", "0.2.0", "0.3.0", UpgradeOutcome.Succeeded, 2.0, Monday.AddDays(1));
        Upgrade("c", "prod", "0.2.0", "0.3.0", UpgradeOutcome.RolledBack, 9.0, Monday.AddDays(2));
        Upgrade("d", "prod", "0.3.0", "0.4.0", UpgradeOutcome.Succeeded, 7.0, Monday.AddDays(3));

        var prediction = Predict("prod", "0.2.0", "0.3.0");

        Assert.Equal(2.0, prediction?.Seconds);
        Assert.Equal("measured upgrading this deployment from 0.2.0 to 0.3.0 on 2026-12-01 09:00 UTC, upgrade b", prediction?.Source);
    }

    [Fact]
    public void Another_deployments_measurement_is_used_only_without_one_of_this_deployment_and_is_named()
    {
        Upgrade("s", "staging", "v0.2.0", "v0.3.0", UpgradeOutcome.Succeeded, 1.5, Monday);

        var prediction = Predict("prod", "0.2.0", "0.3.0");

        Assert.Equal(1.5, prediction?.Seconds);
        Assert.StartsWith($"measured upgrading {ComposeFile("staging")} from", prediction?.Source);
    }

    [Fact]
    public void No_successful_upgrade_of_the_path_means_no_prediction()
    {
        Upgrade("f", "prod", "0.2.0", "0.3.0", UpgradeOutcome.NothingChanged, null, Monday);

        Assert.Null(Predict("prod", "0.2.0", "0.3.0"));
    }

    [Fact]
    public void The_first_source_that_knows_answers()
    {
        var rehearsal = new Fixed(new PredictedDowntime(1.1, "rehearsal"));

        Assert.Equal("rehearsal", new FirstDowntimePrediction(new Fixed(null), rehearsal).Predict(NexplaneVersion.Parse("0.2.0"), NexplaneVersion.Parse("0.3.0"))?.Source);
    }

    sealed class Fixed(PredictedDowntime? answer) : IDowntimePrediction
    {
        public PredictedDowntime? Predict(NexplaneVersion from, NexplaneVersion to, IReadOnlyList<string>? stops = null) => answer;
    }
}
