using System.Text.Json;
using Nexplane.Upgrade.Operator;
using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Runs;
using Nexplane.Upgrade.Tests.Steps.Preflight;

using Nexplane.Upgrade.Tests.Operator;

namespace Nexplane.Upgrade.Tests.Runs;

/// <summary>
/// What Status says of an upgrade: still going (its lock held by a live process), stopped (with commands that work as
/// printed, whoever holds the lock), or over (its outcome, and that its terminal went away if it did).
/// </summary>
public sealed class DeploymentStatusTests : IDisposable
{
    readonly string _directory = Directory.CreateTempSubdirectory("status-").FullName;
    readonly RecordedOutput _output = new();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    string ComposeFile => Path.Combine(_directory, "docker-compose.yml");

    JournalStore Journals => new(Path.Combine(_directory, "state"));

    UpgradeJournal Unfinished()
    {
        File.WriteAllText(ComposeFile, "services: {}\n");
        var journal = UpgradeJournal.Create(Journals.Directory, "u1", ComposeFile);
        journal.Record.Append(new VersionsChosen("0.3.1", "0.3.2"));
        journal.MarkCompleted(nameof(RunbookStep.Preflight));
        journal.MarkCompleted(nameof(RunbookStep.Stop));
        return journal;
    }

    sealed class Observer(string composeFile) : IDeploymentObserver
    {
        public Task<ObservedDeployment> ObserveAsync(CancellationToken cancellationToken) => Task.FromResult(
            new ObservedDeployment(composeFile, "nexplane", "0.3.2", "GET /health", null, null, null, null, new Dictionary<string, string?>()));
    }

    async Task ShowAsync(LockInspection? deploymentLock) =>
        await new DeploymentStatus(_output, TestAdvice.Nuke).ShowAsync(PreflightSample.Deployment with { ComposeFile = ComposeFile }, Journals,
            Path.Combine(_directory, "backups"), new Observer(ComposeFile), deploymentLock, CancellationToken.None);

    static LockOwner Owner(string host = "deploy-host") =>
        new("ops", 4242, host, new DateTimeOffset(2026, 12, 6, 22, 0, 0, TimeSpan.Zero), "Upgrade --version 0.3.2");

    [Fact]
    public async Task A_run_still_going_is_shown_as_running_not_as_one_to_resume()
    {
        var journal = Unfinished();

        await ShowAsync(new LockInspection("/state/upgrade-1.lock", Owner(), LockHolderState.Running));

        Assert.Contains($"INF Running now: 'Upgrade --version 0.3.2' by ops (pid 4242 on deploy-host, started {Owner().StartedAt}), " +
                        "holding the lock /state/upgrade-1.lock. Run ./build.sh Status again to see how it ends", _output.Lines);
        Assert.Contains($"INF Upgrade 0.3.1 -> 0.3.2 in progress since {journal.StartedAt}; done so far: Stop (journal {journal.FilePath})", _output.Lines);
        Assert.DoesNotContain(_output.Lines, line => line.Contains("--resume") || line.Contains("no longer matches"));
    }

    [Fact]
    public async Task An_upgrade_whose_run_is_gone_is_continued_by_the_commands_printed()
    {
        Unfinished();

        await ShowAsync(new LockInspection("/state/upgrade-1.lock", Owner(), LockHolderState.Gone));

        Assert.Contains(_output.Lines, line => line.StartsWith("WRN Unfinished upgrade 0.3.1 -> 0.3.2")
                                               && line.EndsWith("Roll it back with ./build.sh Rollback, or continue with ./build.sh Upgrade --version 0.3.2 --resume."));
        Assert.DoesNotContain(_output.Lines, line => line.Contains("Running now"));
    }

    [Fact]
    public async Task An_upgrade_whose_rollback_began_is_only_advised_to_finish_its_rollback()
    {
        var journal = Unfinished();
        journal.RollbackBegan = true;
        journal.Save();

        await ShowAsync(new LockInspection("/state/upgrade-1.lock", Owner(), LockHolderState.Gone));

        Assert.Contains(_output.Lines, line => line.StartsWith("WRN Unfinished upgrade 0.3.1 -> 0.3.2")
                                               && line.EndsWith("the deployment may be partly rolled back. Finish the rollback with ./build.sh Rollback."));
        Assert.DoesNotContain(_output.Lines, line => line.Contains("continue with"));
    }

    [Fact]
    public async Task An_upgrade_locked_from_another_host_is_continued_with_the_operators_word()
    {
        Unfinished();

        await ShowAsync(new LockInspection("/state/upgrade-1.lock", Owner("jump-host"), LockHolderState.OnAnotherHost));

        Assert.Contains(_output.Lines, line => line.StartsWith("WRN Unfinished upgrade 0.3.1 -> 0.3.2")
                                               && line.Contains("cannot be checked from this host")
                                               && line.EndsWith("roll it back with ./build.sh Rollback --remove-stale-lock, or continue with " +
                                                                "./build.sh Upgrade --version 0.3.2 --resume --remove-stale-lock."));
    }

    [Fact]
    public async Task A_finished_upgrade_shows_its_outcome_and_that_its_terminal_went_away()
    {
        var journal = Unfinished();
        journal.TerminalHungUp = new TerminalHangUp(new DateTimeOffset(2026, 12, 6, 22, 40, 0, TimeSpan.Zero), "/deploy/.nuke/temp/build.log-copy");
        journal.Outcome = UpgradeOutcome.Succeeded;
        journal.Save();

        await ShowAsync(deploymentLock: null);

        Assert.Contains(_output.Lines, line => line.StartsWith("INF Last upgrade: 0.3.1 -> 0.3.2") && line.EndsWith(UpgradeOutcome.Succeeded.ToText()));
        Assert.Contains($"INF Its terminal went away at {journal.TerminalHungUp.At}; the run went on without it, writing to /deploy/.nuke/temp/build.log-copy",
            _output.Lines);
    }
}
