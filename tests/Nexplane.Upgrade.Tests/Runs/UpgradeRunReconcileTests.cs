using Nexplane.Upgrade.Operator;
using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Runs;
using Nexplane.Upgrade.Tests.Steps.Rollback;
using Nexplane.Upgrade.Tests.Operator;

namespace Nexplane.Upgrade.Tests.Runs;

/// <summary>
/// What Rollback and --resume do with a journal that no longer describes the deployment: refuse with nothing changed,
/// unless the operator named that journal and accepted the differences; a new upgrade sets aside an unfinished journal
/// of an earlier installation; a rollback records the database it restored.
/// </summary>
public sealed class UpgradeRunReconcileTests : IDisposable
{
    readonly string _directory = Path.Combine(Path.GetTempPath(), $"run-reconcile-{Guid.NewGuid():N}");
    readonly RecordedOutput _output = new();
    static readonly DatabaseIdentity Database = new("7716275390603825163", 16384, "nexplane");


    string ComposeFile => Path.Combine(_directory, "docker-compose.yml");
    string StateDirectory => Path.Combine(_directory, "state");

    public UpgradeRunReconcileTests()
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllText(ComposeFile, "services:\n  backend:\n    image: nexplane-backend:0.2.0\n");
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    UpgradeJournal FinishedUpgrade() => UpgradeThrough(RunbookTable.Steps.Select(step => step.ToString()), UpgradeOutcome.Succeeded);

    UpgradeJournal UpgradeThrough(IEnumerable<string> completedSteps, UpgradeOutcome? outcome)
    {
        var journal = UpgradeJournal.Create(StateDirectory, "u1", ComposeFile);
        journal.Record.Append(new VersionsChosen("0.2.0", "0.3.0"));
        journal.RevisionBefore = "002_asset_tags";
        journal.Record.Append(new BackupVerified("/backups/before.dump"));
        journal.DatabaseIdentity = Database;
        journal.ComposeProject = "nexplane";
        journal.PreviousImages["backend"] = "nexplane-backend:0.2.0";
        journal.TargetImages["backend"] = "nexplane-backend:0.3.0";
        foreach (var step in completedSteps)
            journal.MarkCompleted(step);
        journal.Outcome = outcome;
        journal.Save();
        return journal;
    }

    ObservedDeployment Observed(string version, DatabaseIdentity database) =>
        new(ComposeFile, "nexplane", version, "from /downloads/version", null, database, ["002_asset_tags"], null,
            new Dictionary<string, string?>());

    [Fact]
    public void A_journal_of_an_earlier_installation_is_refused_naming_each_difference_and_what_to_run_instead()
    {
        var journal = FinishedUpgrade();
        var run = new UpgradeRun(_output, TestAdvice.Nuke);

        var refusal = Assert.Throws<DeploymentChangedException>(() => run.Reconcile(journal, Observed("0.2.0", Database with { SystemIdentifier = "1" }),
            "backend", "Rollback", namedExplicitly: false, acceptDifferences: true));

        Assert.StartsWith("Rollback refused; nothing was changed. The deployment is not what upgrade u1 (0.2.0 -> 0.3.0, succeeded) left", refusal.Message);
        Assert.Contains("reinstalled since", refusal.Message);
        Assert.Contains("  - running version: recorded 0.3.0; now 0.2.0 (from /downloads/version)", refusal.Message);
        Assert.Contains("  - database cluster: recorded system identifier 7716275390603825163; now system identifier 1", refusal.Message);
        Assert.Contains("./build.sh Status", refusal.Message);
        Assert.Contains("./build.sh Restore --backup-file <file>", refusal.Message);
        Assert.Contains("--upgrade-id u1 --accept-differences", refusal.Message);
        Assert.Contains("never chosen implicitly", refusal.Message);
    }

    [Fact]
    public void A_journal_named_explicitly_with_accepted_differences_goes_ahead_after_printing_them()
    {
        var journal = FinishedUpgrade();
        var run = new UpgradeRun(_output, TestAdvice.Nuke);

        var result = run.Reconcile(journal, Observed("0.2.0", Database), "backend", "Rollback", namedExplicitly: true, acceptDifferences: true);

        Assert.False(result.Matches);
        Assert.Contains(_output.Lines, line => line.StartsWith("WRN The deployment differs from upgrade u1") && line.Contains("running version: recorded 0.3.0; now 0.2.0"));
        Assert.Equal("1 difference(s) accepted", _output.Summary["Reconciled"]);
    }

    [Fact]
    public void A_journal_named_explicitly_without_accepting_the_differences_is_still_refused()
    {
        var journal = FinishedUpgrade();

        Assert.Throws<DeploymentChangedException>(() => new UpgradeRun(_output, TestAdvice.Nuke).Reconcile(journal, Observed("0.2.0", Database), "backend", "Rollback",
            namedExplicitly: true, acceptDifferences: false));
    }

    [Fact]
    public void Resume_refuses_an_interrupted_upgrade_whose_deployment_was_repaired_by_hand()
    {
        var journal = UpgradeThrough(["Preflight", "Backup", "Pull", "Stop"], outcome: null);

        var refusal = Assert.Throws<DeploymentChangedException>(() =>
            new UpgradeRun(_output, TestAdvice.Nuke).BeginJournal(new JournalStore(StateDirectory), ComposeFile, resume: true, Observed("0.2.0", Database), "backend"));

        Assert.StartsWith("--resume refused; nothing was changed", refusal.Message);
        Assert.Contains($"mv {journal.FilePath} {journal.FilePath}.set-aside", refusal.Message);
        Assert.Null(UpgradeJournal.Load(journal.FilePath).Outcome);
    }

    [Fact]
    public void A_new_upgrade_sets_aside_an_unfinished_journal_of_an_earlier_installation_and_records_the_deployment_it_starts_from()
    {
        var old = FinishedUpgrade();
        old.Outcome = null;
        old.Save();
        var reinstalled = Database with { SystemIdentifier = "42" };
        var run = new UpgradeRun(_output, TestAdvice.Nuke);

        run.BeginJournal(new JournalStore(StateDirectory), ComposeFile, resume: false,
            Observed("0.2.0", reinstalled) with { Files = new Dictionary<string, string?> { [ComposeFile] = "abc" } }, "backend");

        Assert.Equal(UpgradeOutcome.Superseded, UpgradeJournal.Load(old.FilePath).Outcome);
        Assert.Contains(_output.Lines, line => line.StartsWith("WRN The unfinished upgrade u1") && line.Contains("set aside as superseded"));
        var started = UpgradeJournal.Load(run.Journal!.FilePath);
        Assert.Equal(reinstalled, started.DatabaseIdentity);
        Assert.Equal("nexplane", started.ComposeProject);
        Assert.Equal("abc", started.FilesAtPreflight[ComposeFile]);
    }

    [Fact]
    public void A_dry_run_says_it_would_set_aside_an_unfinished_journal_of_an_earlier_installation_and_leaves_it_unfinished()
    {
        var old = FinishedUpgrade();
        old.Outcome = null;
        old.Save();

        new UpgradeRun(_output, TestAdvice.Nuke).BeginJournal(new JournalStore(StateDirectory), ComposeFile, resume: false,
            Observed("0.2.0", Database with { SystemIdentifier = "42" }), "backend", readOnly: true);

        Assert.Null(UpgradeJournal.Load(old.FilePath).Outcome);
        Assert.Contains(_output.Lines, line => line.Contains("by the real upgrade (not by this dry run)"));
    }

    [Fact]
    public void A_dry_run_of_a_resumed_upgrade_only_reads_its_journal()
    {
        var journal = UpgradeThrough(["Preflight", "Backup"], outcome: null);
        var before = File.ReadAllText(journal.FilePath);
        var run = new UpgradeRun(_output, TestAdvice.Nuke);

        run.BeginJournal(new JournalStore(StateDirectory), ComposeFile, resume: true, Observed("0.2.0", Database), "backend", readOnly: true);
        // What the dry run goes on to record (Preflight's versions, a step it "completes") stays in memory.
        run.Record.Append(new VersionsChosen("0.2.0", "0.3.0"));
        run.Journal!.MarkCompleted("Pull");

        Assert.Equal(["Backup", "Preflight"], run.StepsDoneBeforeResuming.Order());
        Assert.Equal(before, File.ReadAllText(journal.FilePath));
    }

    [Fact]
    public void Another_compose_project_alone_does_not_set_an_unfinished_journal_aside()
    {
        var old = FinishedUpgrade();
        old.Outcome = null;
        old.Save();

        Assert.Throws<InvalidOperationException>(() => new UpgradeRun(_output, TestAdvice.Nuke).BeginJournal(new JournalStore(StateDirectory), ComposeFile,
            resume: false, Observed("0.3.0", Database) with { ComposeProject = "mistyped" }, "backend"));
        Assert.Null(UpgradeJournal.Load(old.FilePath).Outcome);
    }

    [Fact]
    public void A_new_upgrade_still_refuses_an_unfinished_journal_of_this_installation()
    {
        var old = FinishedUpgrade();
        old.Outcome = null;
        old.Save();

        var refusal = Assert.Throws<InvalidOperationException>(() => new UpgradeRun(_output, TestAdvice.Nuke).BeginJournal(new JournalStore(StateDirectory), ComposeFile,
            resume: false, Observed("0.3.0", Database), "backend"));

        Assert.Contains("never finished", refusal.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void An_upgrade_whose_rollback_began_is_never_resumed_or_overtaken_only_its_rollback_finished(bool resume)
    {
        var old = FinishedUpgrade();
        old.Outcome = null;
        old.RollbackBegan = true;
        old.Save();
        var before = File.ReadAllText(old.FilePath);

        var refusal = Assert.Throws<InvalidOperationException>(() => new UpgradeRun(_output, TestAdvice.Nuke).BeginJournal(new JournalStore(StateDirectory), ComposeFile,
            resume, Observed("0.2.0", Database), "backend"));

        Assert.Contains("began and never finished", refusal.Message);
        Assert.EndsWith("Finish the rollback: ./build.sh Rollback.", refusal.Message);
        Assert.Equal(before, File.ReadAllText(old.FilePath));
    }

    [Fact]
    public async Task A_rollback_that_restores_records_the_restored_database_so_a_retry_recognises_it()
    {
        var journal = FinishedUpgrade();
        var deployment = new RecordedRollbackDeployment { Database = Database };
        var run = new UpgradeRun(_output, TestAdvice.Nuke) { Journal = journal };

        await run.RollBackAsync(null, UpgradeRunRollbackTests.Settings, deployment, CancellationToken.None);

        var saved = UpgradeJournal.Load(journal.FilePath);
        Assert.Equal(Database.Oid + 1, saved.DatabaseIdentity!.Oid);
        Assert.True(saved.RollbackBegan);
    }
}
