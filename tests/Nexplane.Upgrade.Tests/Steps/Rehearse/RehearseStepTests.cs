using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Steps.Rehearse;
using Nexplane.Upgrade.Tests.Runs;
using Nexplane.Upgrade.Tests.Time;

namespace Nexplane.Upgrade.Tests.Steps.Rehearse;

/// <summary>Rehearse with Preflight's findings, the backups and the copy's verdict given as data.</summary>
public sealed class RehearseStepTests : IDisposable
{
    readonly string _directory = Path.Combine(Path.GetTempPath(), $"rehearse-step-{Guid.NewGuid():N}");
    readonly RecordedOutput _output = new();
    readonly AdvancingClock _clock = new();

    public RehearseStepTests()
    {
        Directory.CreateDirectory(BackupDirectory);
        Directory.CreateDirectory(ReportDirectory);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    string BackupDirectory => Path.Combine(_directory, "backups");

    string ReportDirectory => Path.Combine(_directory, "rehearsals");

    RehearseInput Input(RecordedRehearsalDeployment deployment, string? backupFile = "/mine.dump", int retention = 5) =>
        new(deployment.PreflightSettings(BackupDirectory),
            new RehearsalOptions(backupFile, TimeSpan.FromHours(24), new BackupPolicy(BackupDirectory, Retention: retention), new RehearsalReports(ReportDirectory)));

    Task<RehearseResult> RehearseAsync(RecordedRehearsalDeployment deployment, RehearseInput input) =>
        new RehearseStep(_output, _clock).RunAsync(input, deployment, CancellationToken.None);

    [Fact]
    public async Task A_passing_rehearsal_is_kept_with_the_database_it_rehearsed_and_says_its_migrations_and_predicted_downtime()
    {
        var deployment = new RecordedRehearsalDeployment();

        var result = await RehearseAsync(deployment, Input(deployment));

        Assert.Equal(RecordedRehearsalDeployment.LiveDatabase, result.Report.Database);
        var kept = new RehearsalReports(ReportDirectory).LastPassingOf(deployment.Deployment.ComposeFile, "0.2.0", "0.3.0", RecordedRehearsalDeployment.LiveDatabase);
        Assert.Equal(result.ReportFile, kept?.Path);
        Assert.Contains("INF Rehearsing on /mine.dump (--backup-file)", _output.Lines);
        Assert.Equal("/mine.dump", deployment.RehearsedArchive);
        Assert.Contains($"INF Rehearsal 0.2.0 -> 0.3.0: passed in 40 s; report {result.ReportFile}", _output.Lines);
        Assert.Contains("INF   migration 002 -> 003, add tunnels: 0.25 s", _output.Lines);
        Assert.Contains(_output.Lines, line => line.StartsWith("INF Predicted downtime of the real upgrade: 2.3 s (measured on the copy"));
        Assert.Equal("0.2.0 -> 0.3.0 passed", _output.Summary["Rehearsal"]);
        Assert.Equal("2.3 s", _output.Summary["Predicted downtime"]);
    }

    [Fact]
    public async Task Preflight_runs_its_checks_without_the_agents_which_a_rehearsal_does_not_touch()
    {
        var deployment = new RecordedRehearsalDeployment();

        await RehearseAsync(deployment, Input(deployment));

        Assert.Equal(["preflight", "rehearse"], deployment.Calls);
        Assert.Equal((true, false), (deployment.AskedPreflight!.Agents.Skip, deployment.AskedPreflight.Agents.UpgradeRequested));
        Assert.True(deployment.AskedPreflight.ForRehearsal);
    }

    [Fact]
    public async Task A_failed_rehearsal_is_kept_and_refused_saying_the_deployment_was_not_touched()
    {
        var deployment = new RecordedRehearsalDeployment(RecordedRehearsalDeployment.Preflighted(), RecordedRehearsalDeployment.Rehearsed(passed: false));

        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(() => RehearseAsync(deployment, Input(deployment)));

        Assert.Equal("The rehearsal of 0.2.0 -> 0.3.0 failed at StartBackend: the container restarted 2 time(s). The deployment was not touched; " +
                     "the throwaway copy is removed.", refusal.Message);
        Assert.Equal("0.2.0 -> 0.3.0 FAILED at StartBackend", _output.Summary["Rehearsal"]);
        Assert.False(_output.Summary.ContainsKey("Predicted downtime"));
        // Where the failed backend's output is kept stays in the kept report (the copy said it when the backend failed).
        Assert.Equal("/state/migration-output-r1.log", new RehearsalReports(ReportDirectory).LastOf(deployment.Deployment.ComposeFile, "0.2.0", "0.3.0")?.FailureOutputFile);
    }

    [Fact]
    public async Task Gates_an_upgrade_would_refuse_are_shown_and_the_rehearsal_shows_what_happens()
    {
        var deployment = new RecordedRehearsalDeployment(
            RecordedRehearsalDeployment.Preflighted(new UpgradeGateFailure("breaking", "0.3.0 has breaking changes.")),
            RecordedRehearsalDeployment.Rehearsed(passed: true));

        await RehearseAsync(deployment, Input(deployment));

        Assert.Contains("WRN The upgrade would refuse this, the rehearsal shows what happens: [breaking] 0.3.0 has breaking changes.", _output.Lines);
        Assert.Contains("rehearse", deployment.Calls);
    }

    [Fact]
    public async Task Gates_that_leave_nothing_to_rehearse_stop_it_before_any_backup_or_copy()
    {
        var deployment = new RecordedRehearsalDeployment(
            RecordedRehearsalDeployment.Preflighted(new UpgradeGateFailure("image", "registry/backend:0.3.0 is not in the registry."),
                new UpgradeGateFailure("breaking", "0.3.0 has breaking changes.")),
            RecordedRehearsalDeployment.Rehearsed(passed: true));

        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(() => RehearseAsync(deployment, Input(deployment, backupFile: null)));

        Assert.Equal("Nothing to rehearse; Preflight found:" + Environment.NewLine + "  [image] registry/backend:0.3.0 is not in the registry.",
            refusal.Message);
        Assert.Equal(["preflight"], deployment.Calls);
    }

    [Fact]
    public async Task A_recent_verified_backup_of_this_database_is_rehearsed_on_without_a_new_backup()
    {
        var deployment = new RecordedRehearsalDeployment();
        var archive = WriteVerifiedBackup(_clock.UtcNow.AddHours(-1), RecordedRehearsalDeployment.LiveDatabase);

        await RehearseAsync(deployment, Input(deployment, backupFile: null));

        Assert.Equal(archive, deployment.RehearsedArchive);
        Assert.DoesNotContain("back up", deployment.Calls);
        Assert.Contains($"INF Rehearsing on {archive} (the newest verified backup of 0.2.0, 1 h old)", _output.Lines);
    }

    [Fact]
    public async Task Without_a_recent_backup_a_fresh_one_is_taken_verified_and_the_retention_applied()
    {
        var deployment = new RecordedRehearsalDeployment();
        WriteVerifiedBackup(_clock.UtcNow.AddHours(-30), RecordedRehearsalDeployment.LiveDatabase);

        await RehearseAsync(deployment, Input(deployment, backupFile: null, retention: 1));

        Assert.Contains("INF Taking a fresh backup to rehearse on: the newest verified backup of 0.2.0 is 30 h old, over --rehearsal-backup-max-age 24 h",
            _output.Lines);
        Assert.Equal(["preflight", "back up", "rehearse"], deployment.Calls);
        Assert.Equal(deployment.FreshBackup, deployment.RehearsedArchive);
        Assert.Contains(_output.Lines, line => line.StartsWith("INF Retention (1): deleted the older backup"));
    }

    /// <summary>A verified backup of 0.2.0 taken at <paramref name="startedAt"/> from <paramref name="takenFrom"/>, as the real backup leaves it.</summary>
    string WriteVerifiedBackup(DateTimeOffset startedAt, DatabaseIdentity takenFrom)
    {
        var archive = new BackupFiles(BackupDirectory).NewArchivePath(startedAt, "0.2.0", BackupFormat.Custom);
        File.WriteAllText(archive, "archive");
        var manifest = new BackupManifest
        {
            ArchiveFile = Path.GetFileName(archive), Format = BackupFormat.Custom, Sha256 = BackupFiles.Sha256Of(archive), SizeBytes = 7,
            NexplaneVersion = "0.2.0", Images = new Dictionary<string, string>(), AlembicRevisions = ["002"], RowCounts = new Dictionary<string, long>(),
            DatabaseSizeBytes = 0, Database = "nexplane", DatabaseIdentity = takenFrom, Mode = BackupMode.Host, ToolVersion = "pg_dump (PostgreSQL) 15",
            StartedAt = startedAt, DumpSeconds = 0, VerifySeconds = 0, Verified = true,
        };
        File.WriteAllText(BackupManifest.PathFor(archive), manifest.ToJson());
        File.SetLastWriteTimeUtc(archive, startedAt.UtcDateTime);
        return archive;
    }
}
