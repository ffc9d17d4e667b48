using System.Text.Json;
using Nexplane.Upgrade.Runbook;

namespace Nexplane.Upgrade.Tests.Runbook;

public sealed class UpgradeOutcomeTests : IDisposable
{
    readonly string _directory = Path.Combine(Path.GetTempPath(), $"outcome-{Guid.NewGuid():N}");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    UpgradeJournal NewJournal()
    {
        Directory.CreateDirectory(_directory);
        var compose = Path.Combine(_directory, "docker-compose.yml");
        File.WriteAllText(compose, "services: {}\n");
        return UpgradeJournal.Create(Path.Combine(_directory, "state"), "u1", compose);
    }

    [Theory]
    [InlineData(UpgradeOutcome.Succeeded, "succeeded")]
    [InlineData(UpgradeOutcome.RolledBack, "rolled-back")]
    [InlineData(UpgradeOutcome.NothingChanged, "nothing-changed")]
    public void The_journal_file_writes_the_outcome_in_the_words_earlier_versions_wrote(UpgradeOutcome outcome, string word)
    {
        var journal = NewJournal();
        journal.Outcome = outcome;
        journal.Save();

        using var json = JsonDocument.Parse(File.ReadAllText(journal.FilePath));
        Assert.Equal(word, json.RootElement.GetProperty("outcome").GetString());
        Assert.Equal(outcome, UpgradeJournal.Load(journal.FilePath).Outcome);
    }

    [Fact]
    public void An_unfinished_upgrade_has_a_null_outcome_in_its_file()
    {
        var journal = NewJournal();

        using var json = JsonDocument.Parse(File.ReadAllText(journal.FilePath));
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("outcome").ValueKind);
        Assert.False(UpgradeJournal.Load(journal.FilePath).IsFinished);
    }

    [Fact]
    public void A_journal_with_an_outcome_no_version_wrote_is_not_read_as_finished()
    {
        var journal = NewJournal();
        File.WriteAllText(journal.FilePath, File.ReadAllText(journal.FilePath).Replace("\"outcome\": null", "\"outcome\": \"needs-human\""));

        Assert.Throws<JsonException>(() => UpgradeJournal.Load(journal.FilePath));
        Assert.Null(new JournalStore(Path.GetDirectoryName(journal.FilePath)!).Find("u1"));
    }

    [Fact]
    public void Status_leaves_out_upgrades_that_changed_nothing()
    {
        var journal = NewJournal();
        journal.Outcome = UpgradeOutcome.NothingChanged;
        journal.Save();

        Assert.Null(new JournalStore(Path.GetDirectoryName(journal.FilePath)!).LatestThatChangedSomething(Path.Combine(_directory, "docker-compose.yml")));
    }
}
