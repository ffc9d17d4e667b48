using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Runs;

namespace Nexplane.Upgrade.Tests.Runbook;

/// <summary>
/// Reconciliation as a decision over data: what a journal says the deployment should be, against what it is. Records
/// describe the past; any difference is named, and a journal is acted on only when there is none.
/// </summary>
public sealed class DeploymentReconciliationTests : IDisposable
{
    readonly string _directory = Path.Combine(Path.GetTempPath(), $"reconcile-{Guid.NewGuid():N}");
    const string Compose = "/srv/nexplane/docker-compose.yml";
    const string Env = "/srv/nexplane/.env";
    static readonly DatabaseIdentity Database = new("7716275390603825163", 16384, "nexplane");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    /// <summary>An upgrade 0.2.0 -> 0.3.0 whose journal records <paramref name="completed"/>; it pinned the tag in .env once.</summary>
    UpgradeJournal Journal(UpgradeOutcome? outcome, params RunbookStep[] completed)
    {
        var journal = UpgradeJournal.Create(_directory, "u1", Compose);
        journal.Record.Append(new VersionsChosen("0.2.0", "0.3.0"));
        journal.RevisionBefore = "002_asset_tags";
        journal.ComposeProject = "nexplane";
        journal.DatabaseIdentity = Database;
        journal.PreviousImages["backend"] = "ghcr.io/youbetyourballs/nexplane-backend:v0.2.0";
        journal.TargetImages["backend"] = "ghcr.io/youbetyourballs/nexplane-backend:v0.3.0";
        journal.FilesAtPreflight[Compose] = "compose-hash";
        journal.FilesAtPreflight[Env] = "env-at-preflight";
        foreach (var step in completed)
            journal.MarkCompleted(step.ToString());
        if (journal.HasCompleted(RunbookStep.StartBackend))
        {
            journal.WrittenFiles[Env] = ["env-pinned-0.3.0"];
            journal.Record.Append(new MigrationsReported([], "004_backfill_asset_owner"));
        }
        journal.Outcome = outcome;
        return journal;
    }

    static ObservedDeployment Observed(string? version = "0.3.0", DatabaseIdentity? database = null, string alembic = "004_backfill_asset_owner",
        string env = "env-pinned-0.3.0", string? backendImage = "ghcr.io/youbetyourballs/nexplane-backend:v0.3.0", string project = "nexplane",
        string composeFile = Compose) =>
        new(composeFile, project, version, version is null ? "connection refused (127.0.0.1:8000)" : "from /downloads/version", backendImage,
            database ?? Database, alembic.Split(',', StringSplitOptions.RemoveEmptyEntries), null,
            new Dictionary<string, string?> { [Compose] = "compose-hash", [Env] = env });

    static ReconciliationResult Compare(UpgradeJournal journal, ObservedDeployment observed) =>
        DeploymentReconciliation.Compare(journal.RecordedState("backend"), observed);

    static readonly RunbookStep[] AllSteps = RunbookTable.Steps.ToArray();

    /// <summary>The same upgrade planned through a stop at 0.2.5, interrupted (or its rollback begun) before StartBackend completed.</summary>
    UpgradeJournal JournalThroughAStop(bool rollbackBegan = false)
    {
        var journal = Journal(null, AllSteps.TakeWhile(step => step != RunbookStep.StartBackend).ToArray());
        journal.Stops.Add(new JournalStop("0.2.5", "backend", "ghcr.io/youbetyourballs/nexplane-backend:v0.2.5"));
        journal.WrittenFiles[Env] = ["env-pinned-0.2.5"];
        journal.RollbackBegan = rollbackBegan;
        return journal;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_backend_on_the_stops_version_matches_a_run_interrupted_on_its_way_through_the_stop(bool rollbackBegan)
    {
        // Killed while the stop's backend answers: its image, its version, the database at its head, which the journal
        // may not name yet.
        var result = Compare(JournalThroughAStop(rollbackBegan),
            Observed("0.2.5", alembic: "003_agent_tunnels", env: "env-pinned-0.2.5", backendImage: "ghcr.io/youbetyourballs/nexplane-backend:v0.2.5"));

        Assert.True(result.Matches, string.Join("; ", result.Differences));
    }

    [Fact]
    public void A_backend_on_a_version_off_the_path_is_still_a_difference_for_a_run_through_a_stop()
    {
        var result = Compare(JournalThroughAStop(),
            Observed("0.2.7", alembic: "003_agent_tunnels", env: "env-pinned-0.2.5", backendImage: "ghcr.io/youbetyourballs/nexplane-backend:v0.2.7"));

        Assert.Contains(result.Differences, difference => difference.Fact == "running version");
    }

    [Fact]
    public void A_finished_upgrade_matches_the_deployment_it_installed()
    {
        var result = Compare(Journal(UpgradeOutcome.Succeeded, AllSteps), Observed());

        Assert.True(result.Matches, string.Join("; ", result.Differences));
        Assert.Empty(result.NotCompared);
    }

    [Fact]
    public void A_reinstalled_deployment_differs_in_its_database_cluster_its_version_its_alembic_head_and_its_env()
    {
        var reinstalled = Observed("0.2.0", Database with { SystemIdentifier = "7716276891196710924", Oid = 16390 }, "002_asset_tags", "env-with-new-secrets",
            "ghcr.io/youbetyourballs/nexplane-backend:v0.2.0");

        var result = Compare(Journal(UpgradeOutcome.Succeeded, AllSteps), reinstalled);

        Assert.Equal(["running version", "database cluster", "alembic_version", $"file {Env}"], result.Differences.Select(d => d.Fact));
        Assert.StartsWith("reinstalled since", result.Summary());
        Assert.Contains("system identifier 7716276891196710924", result.Differences[1].Now);
    }

    [Fact]
    public void An_upgrade_by_hand_after_the_tools_upgrade_is_named_with_the_version_running_now()
    {
        var result = Compare(Journal(UpgradeOutcome.Succeeded, AllSteps), Observed("0.3.2", alembic: "005_asset_region", env: "env-pinned-by-hand"));

        Assert.False(result.Matches);
        Assert.Contains("upgraded or changed outside the tool since: now 0.3.2", result.Summary());
        Assert.Equal("0.3.0", result.Differences[0].Recorded);
    }

    [Fact]
    public void A_database_restored_or_recreated_by_hand_is_a_replaced_database()
    {
        var result = Compare(Journal(UpgradeOutcome.Succeeded, AllSteps), Observed(database: Database with { Oid = 40001 }));

        Assert.Equal("database", Assert.Single(result.Differences).Fact);
        Assert.Equal("database replaced since", result.Summary());
    }

    [Fact]
    public void A_database_that_cannot_be_read_is_a_difference_because_nothing_proves_it_the_same()
    {
        var result = Compare(Journal(UpgradeOutcome.Succeeded, AllSteps), Observed() with { Database = null, AlembicRevisions = null, DatabaseProblem = "connection refused" });

        Assert.Contains("cannot be read (connection refused)", Assert.Single(result.Differences).Now);
    }

    [Fact]
    public void A_crashed_backend_still_created_from_the_installed_image_is_the_installed_version()
    {
        var result = Compare(Journal(UpgradeOutcome.Succeeded, AllSteps), Observed(version: null));

        Assert.True(result.Matches);
        Assert.Contains(result.NotCompared, note => note.Contains("runs ghcr.io/youbetyourballs/nexplane-backend:v0.3.0, as recorded"));
    }

    [Fact]
    public void No_answer_from_a_backend_created_from_another_image_is_a_difference()
    {
        var result = Compare(Journal(UpgradeOutcome.Succeeded, AllSteps), Observed(version: null, backendImage: "ghcr.io/youbetyourballs/nexplane-backend:v0.3.2"));

        Assert.Contains("runs ghcr.io/youbetyourballs/nexplane-backend:v0.3.2", Assert.Single(result.Differences).Now);
    }

    [Fact]
    public void An_upgrade_interrupted_after_stop_expects_the_app_stopped_and_refuses_the_old_version_started_by_hand()
    {
        var journal = Journal(null, RunbookStep.Preflight, RunbookStep.Backup, RunbookStep.Pull, RunbookStep.Stop);

        var stopped = Compare(journal, Observed(version: null, alembic: "002_asset_tags", env: "env-at-preflight", backendImage: null));
        var repairedByHand = Compare(journal, Observed("0.2.0", alembic: "002_asset_tags", env: "env-at-preflight"));

        Assert.True(stopped.Matches, string.Join("; ", stopped.Differences));
        Assert.Equal("running version", Assert.Single(repairedByHand.Differences).Fact);
        Assert.Contains("now 0.2.0", repairedByHand.Summary());
    }

    [Fact]
    public void An_upgrade_interrupted_before_stop_expects_the_previous_version_still_serving()
    {
        var journal = Journal(null, RunbookStep.Preflight);

        Assert.True(Compare(journal, Observed("0.2.0", alembic: "002_asset_tags", env: "env-at-preflight")).Matches);
        Assert.False(Compare(journal, Observed(null, alembic: "002_asset_tags", env: "env-at-preflight", backendImage: null)).Matches);
    }

    [Fact]
    public void An_interrupted_upgrade_accepts_either_side_of_a_write_the_tool_made()
    {
        var journal = Journal(null, RunbookStep.Preflight, RunbookStep.Backup, RunbookStep.Pull, RunbookStep.Stop, RunbookStep.StartBackend);

        Assert.True(Compare(journal, Observed(env: "env-pinned-0.3.0")).Matches);
        Assert.True(Compare(journal, Observed(env: "env-at-preflight")).Matches);
        Assert.Equal($"file {Env}", Assert.Single(Compare(journal, Observed(env: "env-edited-by-hand")).Differences).Fact);
    }

    [Fact]
    public void An_upgrade_killed_inside_start_backend_without_a_recorded_head_does_not_compare_alembic()
    {
        var journal = Journal(null, RunbookStep.Preflight, RunbookStep.Backup, RunbookStep.Pull, RunbookStep.Stop);
        journal.WrittenFiles[Env] = ["env-pinned-0.3.0"];

        var result = Compare(journal, Observed(version: null, alembic: "003_agent_tunnels"));

        Assert.True(result.Matches, string.Join("; ", result.Differences));
        Assert.Contains(result.NotCompared, note => note.StartsWith("alembic_version"));
    }

    [Fact]
    public void A_rollback_that_began_accepts_the_deployment_anywhere_between_the_two_versions()
    {
        var journal = Journal(null, RunbookStep.Preflight, RunbookStep.Backup, RunbookStep.Pull, RunbookStep.Stop, RunbookStep.StartBackend);
        journal.RollbackBegan = true;

        Assert.True(Compare(journal, Observed("0.2.0", alembic: "002_asset_tags", env: "env-at-preflight")).Matches);
        Assert.True(Compare(journal, Observed(null, backendImage: null)).Matches);
    }

    [Fact]
    public void Another_compose_file_or_project_is_another_deployment()
    {
        var journal = Journal(UpgradeOutcome.Succeeded, AllSteps);

        Assert.Equal("compose file", Assert.Single(Compare(journal, Observed(composeFile: "/srv/other/docker-compose.yml")).Differences).Fact);
        var otherProject = Compare(journal, Observed(project: "nexplane2"));
        Assert.Equal("compose project", Assert.Single(otherProject.Differences).Fact);
        Assert.StartsWith("reinstalled since", otherProject.Summary());
    }

    [Fact]
    public void Facts_an_older_journal_did_not_record_are_noted_not_held_against_it()
    {
        var journal = Journal(UpgradeOutcome.Succeeded, AllSteps);
        journal.DatabaseIdentity = null;
        journal.ComposeProject = null;
        journal.FilesAtPreflight.Clear();
        journal.WrittenFiles.Clear();

        var result = Compare(journal, Observed(database: Database with { SystemIdentifier = "1" }, env: "anything"));

        Assert.True(result.Matches);
        Assert.Contains("the database's identity (not recorded)", result.NotCompared);
        Assert.Contains("the compose project (not recorded)", result.NotCompared);
    }

    [Fact]
    public void A_run_killed_inside_preflight_recorded_no_version_so_none_is_compared()
    {
        var journal = UpgradeJournal.Create(_directory, "u2", Compose);
        journal.DatabaseIdentity = Database;

        var result = Compare(journal, Observed("0.2.0", alembic: "002_asset_tags", env: "anything"));

        Assert.True(result.Matches, string.Join("; ", result.Differences));
        Assert.Contains(result.NotCompared, note => note.StartsWith("the running version (the journal records none"));
    }

    [Fact]
    public void A_backend_that_does_not_answer_and_runs_another_image_is_not_called_an_upgrade()
    {
        var result = Compare(Journal(UpgradeOutcome.Succeeded, AllSteps), Observed(version: null, backendImage: null));

        Assert.Equal("the app does not answer, and its backend is not the version recorded", result.Summary());
    }
}
