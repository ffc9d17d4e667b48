using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Operator;
using Nexplane.Upgrade.Runs;
using Nexplane.Upgrade.Steps.Preflight;
using Nexplane.Upgrade.Tests.Operator;

namespace Nexplane.Upgrade.Tests.Runs;

/// <summary>What the run keeps of Preflight and says of it: the report, the journal a resumed run continues from.</summary>
public sealed class UpgradeRunPreflightTests : IDisposable
{
    readonly string _directory = Directory.CreateTempSubdirectory("run-preflight-").FullName;
    readonly RecordedOutput _output = new();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    static NexplaneVersion V(string version) => NexplaneVersion.Parse(version);

    UpgradeRun RunWithJournal()
    {
        var compose = Path.Combine(_directory, "docker-compose.yml");
        File.WriteAllText(compose, "services: {}\n");
        return new UpgradeRun(_output, TestAdvice.Nuke) { Journal = UpgradeJournal.Create(_directory, "u1", compose) };
    }

    static PreflightReport Report(params UpgradeGateFailure[] failures) => new()
    {
        Current = V("0.2.0"),
        Target = V("0.3.0"),
        Services = [new ServiceUpgrade("backend", ImageReference.Parse("registry/backend:0.2.0"), ImageReference.Parse("registry/backend:0.3.0"), null)],
        Notices = ["The compose file pins worker to 0.1.0, but the backend reports 0.2.0: the deployment is not on one version."],
        KeptDatabases = [new KeptDatabase("nexplane_failed_20260101", 1024)],
        Failures = failures,
    };

    [Fact]
    public void An_upgrade_that_may_start_is_said_and_recorded_for_a_resumed_run()
    {
        var run = RunWithJournal();

        run.RecordPreflight(Report(), backupAfterStop: true);

        Assert.Equal(("0.2.0", "0.3.0"), (run.Report.FromVersion, run.Report.ToVersion));
        Assert.Contains("INF backend: registry/backend:0.2.0 -> registry/backend:0.3.0", _output.Lines);
        Assert.Contains(_output.Lines, line => line.StartsWith("WRN The compose file pins worker to 0.1.0"));
        Assert.Contains(_output.Lines, line => line.Contains("nexplane_failed_20260101"));
        Assert.Equal("0.2.0 -> 0.3.0", _output.Summary["Path"]);
        var journal = UpgradeJournal.Load(run.Journal!.FilePath);
        Assert.True(journal.BackupAfterStop);
        Assert.Equal("registry/backend:0.3.0", journal.TargetImages["backend"]);
    }

    [Fact]
    public void An_upgrade_that_may_not_start_names_every_problem_and_records_nothing()
    {
        var run = RunWithJournal();

        var exception = Assert.Throws<InvalidOperationException>(() =>
            run.RecordPreflight(Report(new("login", "The login fails."), new("disk", "No room.")), backupAfterStop: false));

        Assert.Equal("Preflight found 2 problem(s); nothing was changed:" + Environment.NewLine +
                     "  [login] The login fails." + Environment.NewLine + "  [disk] No room.", exception.Message);
        Assert.Empty(UpgradeJournal.Load(run.Journal!.FilePath).TargetImages);
    }

    [Fact]
    public void A_resumed_upgrade_refuses_another_version_than_the_interrupted_one()
    {
        var run = RunWithJournal();
        run.RecordPreflight(Report(), backupAfterStop: false);
        var resumed = new UpgradeRun(_output, TestAdvice.Nuke) { Journal = UpgradeJournal.Load(run.Journal!.FilePath), RequestedVersion = "0.4.0" };

        var exception = Assert.Throws<InvalidOperationException>(() => resumed.ContinueFromJournal());

        Assert.Equal("--resume continues the upgrade to 0.3.0, not 0.4.0. Resume it with ./build.sh Upgrade --version 0.3.0 --resume, " +
                     "or roll it back: ./build.sh Rollback.", exception.Message);
    }

    [Fact]
    public void A_resumed_upgrade_continues_with_the_images_the_interrupted_one_chose()
    {
        var run = RunWithJournal();
        run.RecordPreflight(Report(), backupAfterStop: false);
        var resumed = new UpgradeRun(_output, TestAdvice.Nuke) { Journal = UpgradeJournal.Load(run.Journal!.FilePath), RequestedVersion = "0.3.0" };

        resumed.ContinueFromJournal();

        Assert.Equal("registry/backend:0.3.0", Assert.Single(resumed.ServiceUpgrades).To.ToString());
        Assert.Equal("0.2.0 -> 0.3.0", _output.Summary["Resumed"]);
    }

    [Fact]
    public void A_resumed_upgrade_asked_for_latest_continues_to_the_version_latest_meant_then_and_says_so()
    {
        var run = RunWithJournal();
        run.RecordPreflight(Report(), backupAfterStop: false);
        // 0.4.0 may have been published since: latest is not asked again.
        var resumed = new UpgradeRun(_output, TestAdvice.Nuke) { Journal = UpgradeJournal.Load(run.Journal!.FilePath), RequestedVersion = "latest" };

        Assert.Equal(NexplaneVersion.Parse("0.3.0"), resumed.TargetVersion);
        resumed.ContinueFromJournal();

        Assert.Equal(NexplaneVersion.Parse("0.3.0"), resumed.TargetVersion);
        Assert.Contains("INF --version latest continues the interrupted upgrade to 0.3.0, the version it resolved to then", _output.Lines);
        Assert.Equal("0.2.0 -> 0.3.0", _output.Summary["Resumed"]);
    }
}
