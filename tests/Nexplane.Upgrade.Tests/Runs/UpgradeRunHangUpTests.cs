using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Runs;

using Nexplane.Upgrade.Tests.Operator;

namespace Nexplane.Upgrade.Tests.Runs;

/// <summary>A run whose terminal went away goes on; its journal says so, whenever the journal is chosen.</summary>
public sealed class UpgradeRunHangUpTests : IDisposable
{
    readonly string _directory = Directory.CreateTempSubdirectory("run-hangup-").FullName;
    readonly RecordedOutput _output = new();

    static readonly TerminalHangUp HangUp = new(new DateTimeOffset(2026, 12, 6, 22, 40, 0, TimeSpan.Zero), "/deploy/.nuke/temp/build.2026-12-06_22-39-00.log");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    UpgradeJournal NewJournal()
    {
        var compose = Path.Combine(_directory, "docker-compose.yml");
        File.WriteAllText(compose, "services: {}\n");
        return UpgradeJournal.Create(_directory, "u1", compose);
    }

    [Fact]
    public void A_hang_up_during_the_upgrade_is_saved_in_its_journal_at_once()
    {
        var run = new UpgradeRun(_output, TestAdvice.Nuke) { Journal = NewJournal() };

        run.NoteTerminalHungUp(HangUp);

        Assert.Equal(HangUp, UpgradeJournal.Load(run.Journal!.FilePath).TerminalHungUp);
    }

    [Fact]
    public void A_hang_up_before_the_journal_exists_is_recorded_in_it_once_chosen()
    {
        var run = new UpgradeRun(_output, TestAdvice.Nuke);

        run.NoteTerminalHungUp(HangUp);
        run.Journal = NewJournal();

        Assert.Equal(HangUp, UpgradeJournal.Load(run.Journal.FilePath).TerminalHungUp);
    }

    [Fact]
    public void The_first_hang_up_is_the_one_recorded()
    {
        var run = new UpgradeRun(_output, TestAdvice.Nuke) { Journal = NewJournal() };

        run.NoteTerminalHungUp(HangUp);
        run.NoteTerminalHungUp(HangUp with { At = HangUp.At.AddMinutes(1) });

        Assert.Equal(HangUp, UpgradeJournal.Load(run.Journal!.FilePath).TerminalHungUp);
    }

    [Fact]
    public void Without_a_hang_up_the_journal_records_none()
    {
        var run = new UpgradeRun(_output, TestAdvice.Nuke) { Journal = NewJournal() };

        Assert.Null(UpgradeJournal.Load(run.Journal!.FilePath).TerminalHungUp);
    }
}
