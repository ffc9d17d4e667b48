using System.Text.RegularExpressions;
using EndToEnd.Tests.Rollback;
using EndToEnd.Tests.Support;
using Nexplane.Upgrade.Runbook;

namespace EndToEnd.Tests.DryRun;

/// <summary>Instance 80 on the runbook's shape, shared by the dry-run and CI-output tests (one after the other).</summary>
public sealed class DryRunDeployment() : RollbackDeploymentFixture(80);

[CollectionDefinition(Name)]
public sealed class DryRunCollection : ICollectionFixture<DryRunDeployment>
{
    public const string Name = "Dry-run sandbox (instance 80)";
}

/// <summary>What an operator compares to tell that a dry run changed nothing besides the running containers and the database.</summary>
static class DeploymentFiles
{
    /// <summary>Every file under the deploy directory (backups included) with its bytes, so a new or changed file shows.</summary>
    public static IReadOnlyDictionary<string, string> Read(SandboxInstance sandbox) =>
        Directory.EnumerateFiles(sandbox.DeployDirectory, "*", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .ToDictionary(path => path, path => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path))));

    /// <summary>The journal the run left: finished as "nothing changed", so no later run sees an unfinished upgrade.</summary>
    public static void AssertNothingLeftInFlight(RollbackDeployment deployment, int journalsBefore)
    {
        Assert.Empty(deployment.UnfinishedJournals());
        Assert.False(File.Exists(deployment.LockFile), "the dry run kept the upgrade lock " + deployment.LockFile);
        var journals = deployment.Journals();
        Assert.Equal(journalsBefore + 1, journals.Count);
        Assert.Equal(UpgradeOutcome.NothingChanged, journals[0].Outcome);
        Assert.Empty(journals[0].ChangedFiles);
    }
}

/// <summary>
/// <c>./build.sh Upgrade --version X --dry-run</c>: Preflight, then every action the upgrade would take, in order;
/// and not one change: containers, files, backups, journal and lock as they were.
/// </summary>
[Collection(DryRunCollection.Name)]
public sealed class DryRunTests(DryRunDeployment fixture)
{
    readonly RollbackDeployment _deployment = fixture.Deployment;

    [Fact]
    public async Task A_dry_run_prints_every_action_of_the_upgrade_in_order_and_changes_nothing()
    {
        await _deployment.ReadyOnAsync("0.2.0");
        var before = await _deployment.CaptureAsync();
        var files = DeploymentFiles.Read(_deployment.Sandbox);
        var journals = _deployment.Journals().Count;

        var run = await _deployment.UpgradeAsync("0.3.0", "--dry-run");

        Assert.True(run.ExitCode == 0, run.ToString());
        string[] steps = ["1. Backup: back up database nexplane", "2. Pull:", "3. Stop: stop backend, worker", "4. StartBackend:",
            "5. VerifyMigrations:", "6. Frontend:", "7. Verify: check version 0.3.0", "8. Agents:"];
        var positions = steps.Select(step => run.Output.IndexOf(step, StringComparison.Ordinal)).ToArray();
        Assert.True(positions.All(p => p >= 0) && positions.SequenceEqual(positions.Order()), "steps missing or out of order: " + run);
        Assert.Matches(@"backend: 127\.0\.0\.1:5000/youbetyourballs/nexplane-backend:0\.3\.0@sha256:[0-9a-f]{64}", run.Output);
        Assert.Matches(@"docker-compose\.yml line \d+: `image: 127\.0\.0\.1:5000/youbetyourballs/nexplane-backend:0\.2\.0` -> `image: 127\.0\.0\.1:5000/youbetyourballs/nexplane-backend:0\.3\.0`", run.Output);
        Assert.Contains("migration announced by 0.3.0: `003_agent_tunnels`", run.Output);
        Assert.Contains($"into {_deployment.Sandbox.BackupDirectory}/nexplane-backup-", run.Output);
        Assert.Contains("never stopped: db, redis", run.Output);
        Assert.Contains("Predicted downtime: ", run.Output);
        foreach (var step in new[] { "Backup", "Pull", "Stop", "StartBackend", "VerifyMigrations", "Frontend", "Verify", "Agents" })
            Assert.Matches(new Regex($@"\n{step}\s+Skipped\s+// OnlyWhen: NotDryRun"), run.Output);

        Assert.Equal(before.Snapshot, await DeploymentSnapshot.TakeAsync(_deployment.Sandbox));
        Assert.Equal(files, DeploymentFiles.Read(_deployment.Sandbox));
        DeploymentFiles.AssertNothingLeftInFlight(_deployment, journals);
    }

    [Fact]
    public async Task A_dry_run_predicts_the_downtime_an_earlier_upgrade_of_the_same_path_measured()
    {
        await _deployment.ReadyOnAsync("0.2.0");
        // As a successful upgrade of this deployment leaves them: its journal and its report.
        var id = $"20261201-090000-{Environment.ProcessId}";
        var journal = UpgradeJournal.Create(RollbackDeployment.JournalDirectory, id, _deployment.Sandbox.ComposeFile);
        journal.Record.Append(new VersionsChosen("0.2.0", "0.3.0"));
        journal.Outcome = UpgradeOutcome.Succeeded;
        journal.Save();
        var report = Path.Combine(RollbackDeployment.JournalDirectory, $"report-{id}.json");
        var measured = new UpgradeReport { Id = id };
        var stoppedAt = DateTimeOffset.UtcNow;
        measured.Record.Append(new VersionsChosen("0.2.0", "0.3.0"));
        measured.Record.Append(new DowntimeBegan { At = stoppedAt });
        measured.Record.Append(new BackendAnswered { At = stoppedAt.AddSeconds(1.84) });
        await File.WriteAllTextAsync(report, measured.ToJson());
        try
        {
            var run = await _deployment.UpgradeAsync("0.3.0", "--dry-run");

            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains($"Predicted downtime: 1.8 s (measured upgrading this deployment from 0.2.0 to 0.3.0 on", run.Output);
            Assert.Contains($"upgrade {id})", run.Output);
        }
        finally
        {
            File.Delete(report);
            File.Delete(journal.FilePath);
        }
    }
}

/// <summary>The dry run on the real shape: the tag lives in .env's IMAGE_TAG, there is no worker, no redis.</summary>
[Collection(RealShapeDeploymentCollection.Name)]
public sealed class RealShapeDryRunTests(RealShapeDeployment fixture)
{
    readonly RollbackDeployment _deployment = fixture.Deployment;

    [Fact]
    public async Task The_dry_run_names_the_env_line_the_pin_changes_and_changes_nothing()
    {
        await _deployment.ReadyOnAsync("0.2.0");
        var before = await _deployment.CaptureAsync();
        var files = DeploymentFiles.Read(_deployment.Sandbox);
        var journals = _deployment.Journals().Count;

        var run = await _deployment.UpgradeAsync("0.3.0", "--dry-run");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches($@"{Regex.Escape(_deployment.Sandbox.EnvFile)} line \d+: `IMAGE_TAG=v0\.2\.0` -> `IMAGE_TAG=v0\.3\.0`", run.Output);
        Assert.Contains("3. Stop: stop backend (", run.Output);
        Assert.Contains("never stopped: db", run.Output);
        Assert.Contains("no file changes of its own (its tag moves with StartBackend's)", run.Output);
        Assert.Equal(before.Snapshot, await DeploymentSnapshot.TakeAsync(_deployment.Sandbox));
        Assert.Equal(files, DeploymentFiles.Read(_deployment.Sandbox));
        DeploymentFiles.AssertNothingLeftInFlight(_deployment, journals);
    }
}
