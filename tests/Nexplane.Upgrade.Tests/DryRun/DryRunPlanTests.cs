using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.DryRun;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Steps.Preflight;

namespace Nexplane.Upgrade.Tests.DryRun;

/// <summary>The dry run lists every action of the upgrade, in the runbook's order, with what each acts on.</summary>
public sealed class DryRunPlanTests
{
    static readonly NexplaneVersion From = NexplaneVersion.Parse("0.2.0");
    static readonly NexplaneVersion To = NexplaneVersion.Parse("0.3.0");

    static ServiceUpgrade Move(string service, string? digest = "sha256:ab12") =>
        new(service, ImageReference.Parse($"reg/nexplane-{service}:0.2.0"), ImageReference.Parse($"reg/nexplane-{service}:0.3.0"), digest);

    static AgentHost Host(string name) => new() { Name = name, Address = "10.0.0.1", User = "deploy", Platform = AgentPlatform.LinuxAmd64 };

    static UpgradeForecast Forecast(bool backupAfterStop = false) => new()
    {
        Preflight = new PreflightReport
        {
            Current = From,
            Target = To,
            Path = new UpgradePath(From, To, [new ReleaseDigest(To, [], ["`003_tags`: adds asset tags"], [], false, null, null)]),
            Services = [Move("backend"), Move("worker", digest: null), Move("frontend")],
            AlembicRevisions = ["002_base"],
        },
        ComposeFile = "/srv/nexplane/docker-compose.yml",
        BackupAfterStop = backupAfterStop,
        BackupArchive = "/var/backups/nexplane-backup-20261205-120000-0.2.0.dump",
        BackupSource = "database nexplane (pg_dump, Auto mode)",
        StopServices = ["backend", "worker"],
        ProtectedServices = ["db", "redis"],
        StopTimeout = TimeSpan.FromSeconds(5),
        BackendFileChanges = [new PlannedFileChange("/srv/nexplane/docker-compose.yml", [],
            [new LineChange(7, "    image: reg/nexplane-backend:0.2.0", "    image: reg/nexplane-backend:0.3.0")])],
        FrontendService = "frontend",
        FrontendUrl = "https://nexplane.example.com",
        ApiUrl = "https://nexplane.example.com/api",
        LoginEmail = "admin@example.com",
        AgentWaves = [[Host("web-01")], [Host("web-02"), Host("web-03")]],
    };

    static IReadOnlyList<string> Steps(IReadOnlyList<string> lines) =>
        lines.Where(line => System.Text.RegularExpressions.Regex.IsMatch(line, @"^  \d+\. ")).Select(line => line.Trim().Split(':')[0]).ToArray();

    [Fact]
    public void Every_step_after_preflight_is_listed_in_the_runbooks_order() =>
        Assert.Equal(["1. Backup", "2. Pull", "3. Stop", "4. StartBackend", "5. VerifyMigrations", "6. Frontend", "7. Verify", "8. Agents"],
            Steps(DryRunPlan.Lines(Forecast())));

    [Fact]
    public void With_resume_the_steps_the_interrupted_run_completed_are_named_as_done_and_not_listed_as_actions()
    {
        var lines = DryRunPlan.Lines(Forecast() with { DoneBeforeResuming = new HashSet<string> { "Preflight", "Backup", "Pull", "Stop" } });

        Assert.Contains("  Done by the interrupted run (its journal records them), not repeated: Backup, Pull, Stop", lines);
        Assert.Equal(["1. StartBackend", "2. VerifyMigrations", "3. Frontend", "4. Verify", "5. Agents"], Steps(lines));
    }

    [Fact]
    public void A_backup_after_stop_is_listed_between_stop_and_startbackend() =>
        Assert.Equal(["1. Pull", "2. Stop", "3. BackupAfterStopping", "4. StartBackend", "5. VerifyMigrations", "6. Frontend", "7. Verify", "8. Agents"],
            Steps(DryRunPlan.Lines(Forecast(backupAfterStop: true))));

    [Fact]
    public void It_names_the_images_with_their_digests_the_services_the_lines_the_backup_and_the_migrations()
    {
        var text = string.Join("\n", DryRunPlan.Lines(Forecast()));

        Assert.Contains("backend: reg/nexplane-backend:0.3.0@sha256:ab12", text);
        Assert.Contains("worker: reg/nexplane-worker:0.3.0 (the registry named no digest)", text);
        Assert.Contains("stop backend, worker", text);
        Assert.Contains("never stopped: db, redis", text);
        Assert.Contains("/srv/nexplane/docker-compose.yml line 7: `image: reg/nexplane-backend:0.2.0` -> `image: reg/nexplane-backend:0.3.0`", text);
        Assert.Contains("no file changes of its own (its tag moves with StartBackend's)", text);
        Assert.Contains("into /var/backups/nexplane-backup-20261205-120000-0.2.0.dump", text);
        Assert.Contains("migration announced by 0.3.0: `003_tags`: adds asset tags", text);
        Assert.Contains("moved from 002_base", text);
        Assert.Contains("Nothing was changed.", text);
    }

    [Fact]
    public void The_agents_are_listed_canary_first_then_each_wave()
    {
        var lines = DryRunPlan.Lines(Forecast());

        Assert.Contains("       canary: web-01 (deploy@10.0.0.1:22)", lines);
        Assert.Contains("       wave 1 of 1: web-02 (deploy@10.0.0.1:22), web-03 (deploy@10.0.0.1:22)", lines);
    }

    [Fact]
    public void Agents_that_will_not_be_upgraded_say_why() =>
        Assert.Contains("  8. Agents: skipped: the release notes do not require an agent upgrade",
            DryRunPlan.Lines(Forecast() with { AgentWaves = [], AgentsSkipped = "the release notes do not require an agent upgrade" }));

    [Fact]
    public void Without_a_measurement_the_downtime_is_unknown_and_rehearsal_is_suggested() =>
        Assert.Equal("Predicted downtime: unknown, run Rehearse (or an upgrade of the same path) to measure it", DryRunPlan.Lines(Forecast())[^1]);

    [Fact]
    public void A_measured_downtime_is_given_with_its_source() =>
        Assert.Equal("Predicted downtime: 2.4 s (measured upgrading this deployment)",
            DryRunPlan.Lines(Forecast() with { Downtime = new PredictedDowntime(2.41, "measured upgrading this deployment") })[^1]);
}
