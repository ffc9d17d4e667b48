using System.Text.Json;
using System.Text.RegularExpressions;
using EndToEnd.Tests.Rollback;
using EndToEnd.Tests.Support;

namespace EndToEnd.Tests.RealShape;

/// <summary>
/// The main paths on a deployment shaped like Nexplane's production compose (scripts/sandbox-up.sh --shape real):
/// db, backend and frontend only, db port unpublished, the tag in .env's IMAGE_TAG (v0.2.0), COMPOSE_PROJECT_NAME in
/// .env, an SPA frontend without a version endpoint, release notes in the changelog workflow's style.
/// </summary>
[Collection(RealShapeDeploymentCollection.Name)]
public sealed class RealShapeProfileTests(RealShapeDeployment fixture)
{
    readonly RollbackDeployment _deployment = fixture.Deployment;

    /// <summary>
    /// A profile written exactly as the README's "Describing a deployment" says, with this instance's values: Preflight
    /// and Upgrade work with it, nothing of the sandbox's parameters.json leaks in, and a finished upgrade rolls back.
    /// </summary>
    [Fact]
    public async Task A_profile_written_as_the_README_says_upgrades_and_a_finished_upgrade_rolls_back()
    {
        await _deployment.ReadyOnAsync("0.2.0");
        var sandbox = _deployment.Sandbox;
        var profile = $"realshape{sandbox.Number}";
        var profileFile = Path.Combine(RepositoryRoot.Path, ".nuke", $"parameters.{profile}.json");
        await File.WriteAllTextAsync(profileFile, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["ComposeFile"] = sandbox.ComposeFile,
            ["ApiUrl"] = sandbox.BackendUrl,
            ["FrontendUrl"] = sandbox.FrontendUrl,
            ["VersionEndpoints"] = new[] { "/downloads/version", "/version#version" },
            ["AppServices"] = new[] { "backend", "frontend" },
            ["ProtectedServices"] = new[] { "db" },
            ["StopServices"] = new[] { "backend" },
            ["BackupDirectory"] = sandbox.BackupDirectory,
            // GitHub itself is unreachable here: the README's GitHubApiUrl names the instance's stand-in.
            ["GitHubApiUrl"] = sandbox.GitHubApiUrl,
        }));
        try
        {
            var before = await _deployment.CaptureAsync();

            var preflight = await BuildScript.RunAsync(["Preflight", "--no-logo", "--version", "0.3.0", "--profile", profile]);

            // 0.3.0's notes mark a breaking change only in a commit bullet (feat(webhooks)!:), and that is enough.
            Assert.True(preflight.ExitCode != 0 && preflight.Output.Contains("[breaking-changes]"), "expected the breaking-change gate: " + preflight);
            // The name compose v2 itself gives the project (docker compose config), agreeing with the .env that says why.
            Assert.Contains($"compose project  {sandbox.Project} (COMPOSE_PROJECT_NAME in {sandbox.EnvFile}, as compose v2 resolves it)", preflight.Output);
            Assert.Contains($"--compose-file from parameter file {profileFile}", preflight.Output);
            Assert.DoesNotContain("parameters.json", preflight.Output);
            Assert.DoesNotContain("127.0.0.1:18000", preflight.Output);
            Assert.DoesNotMatch(@"\[WRN\].*(worker|redis)", preflight.Output);
            await _deployment.AssertSameDeploymentAsync(before);

            var upgrade = await BuildScript.RunAsync(["Upgrade", "--no-logo", "--version", "0.3.0", "--profile", profile, "--accept-breaking-changes"],
                timeout: TimeSpan.FromMinutes(4));

            Assert.True(upgrade.ExitCode == 0 && upgrade.Output.Contains("Upgraded and healthy: Nexplane 0.2.0 -> 0.3.0"), "the upgrade did not succeed: " + upgrade);
            Assert.Matches(@"Frontend\s+Succeeded", upgrade.Output);
            Assert.Equal("0.3.0", await _deployment.ServedVersionAsync());
            Assert.Equal("0.3.0", await _deployment.FrontendVersionAsync());
            Assert.Equal("v0.3.0", _deployment.ReadEnv("IMAGE_TAG"));
            Assert.DoesNotMatch(@"\[WRN\].*(worker|redis)", upgrade.Output);

            var rollback = await BuildScript.RunAsync(["Rollback", "--no-logo", "--profile", profile], timeout: TimeSpan.FromMinutes(4));

            Assert.True(rollback.ExitCode == 0 && rollback.Output.Contains("Rolled back and healthy"), "the rollback did not succeed: " + rollback);
            await _deployment.AssertSameDeploymentAsync(before);
        }
        finally
        {
            File.Delete(profileFile);
        }
    }
}

/// <summary>A release that needs a new variable (0.3.5: NEXPLANE_ENCRYPTION_KEY, said in prose only) is refused until it is set.</summary>
[Collection(RealShapeDeploymentCollection.Name)]
public sealed class RealShapeRequiredVariableUpgradeTests(RealShapeDeployment fixture)
{
    readonly RollbackDeployment _deployment = fixture.Deployment;

    [Fact]
    public async Task A_variable_the_new_release_needs_is_refused_by_Preflight_until_the_deployment_sets_it()
    {
        await _deployment.ReadyOnAsync("0.2.0");
        var before = await _deployment.CaptureAsync();

        // The notes say it in a sentence of prose; the .env lacks it.
        var refused = await _deployment.UpgradeAsync("0.3.5");
        Assert.True(refused.ExitCode != 0 && Regex.IsMatch(refused.Output, @"Preflight\s+Failed"), "expected Preflight to refuse: " + refused);
        // A gate's tag ([compose-variables], [environment], ...), not a log level: Preflight's own lines name it too.
        Assert.Matches(@"\[(?!(INF|WRN|ERR|DBG)\])\w+(-\w+)*\][^\n]*NEXPLANE_ENCRYPTION_KEY", refused.Output);
        Assert.Contains("nothing was changed", refused.Output);
        Assert.Equal(before.Snapshot, await DeploymentSnapshot.TakeAsync(_deployment.Sandbox));

        // The operator wires it into the compose file but forgets the .env: the deployment itself is checked too.
        var compose = await File.ReadAllTextAsync(_deployment.Sandbox.ComposeFile);
        const string anchor = "      DATABASE_URL: ";
        Assert.Contains(anchor, compose);
        await File.WriteAllTextAsync(_deployment.Sandbox.ComposeFile,
            compose.Replace(anchor, "      NEXPLANE_ENCRYPTION_KEY: ${NEXPLANE_ENCRYPTION_KEY}\n" + anchor));
        var wired = await DeploymentSnapshot.TakeAsync(_deployment.Sandbox);
        var stillRefused = await _deployment.UpgradeAsync("0.3.5");
        Assert.True(stillRefused.ExitCode != 0, "expected a refusal: " + stillRefused);
        Assert.Matches(@"\[compose-variables\][^\n]*\$\{NEXPLANE_ENCRYPTION_KEY\}", stillRefused.Output);
        Assert.Equal(wired, await DeploymentSnapshot.TakeAsync(_deployment.Sandbox));

        // Set, the same upgrade goes through.
        await File.AppendAllTextAsync(_deployment.Sandbox.EnvFile, $"NEXPLANE_ENCRYPTION_KEY={Guid.NewGuid():N}\n");
        var upgraded = await _deployment.UpgradeAsync("0.3.5");
        Assert.True(upgraded.ExitCode == 0 && upgraded.Output.Contains("Upgraded and healthy: Nexplane 0.2.0 -> 0.3.5"), "the upgrade did not succeed: " + upgraded);
        Assert.Equal("0.3.5", await _deployment.ServedVersionAsync());
    }
}

/// <summary>A failed migration on the real shape: rolled back, healthy on 0.2.0, nothing lost.</summary>
[Collection(RealShapeDeploymentCollection.Name)]
public sealed class RealShapeFailedMigrationTests(RealShapeDeployment fixture)
{
    readonly RollbackDeployment _deployment = fixture.Deployment;

    [Fact]
    public async Task A_failing_migration_ends_rolled_back_and_healthy_on_the_previous_version()
    {
        await _deployment.ReadyOnAsync("0.2.0");
        var before = await _deployment.CaptureAsync();

        var run = await _deployment.UpgradeAsync("0.3.1");

        Assert.True(Regex.IsMatch(run.Output, @"StartBackend\s+Failed") && Regex.IsMatch(run.Output, @"Rollback\s+Succeeded"),
            "expected StartBackend to fail and Rollback to succeed: " + run);
        await _deployment.AssertRolledBackAsync(before, run);
        Assert.Equal("v0.2.0", _deployment.ReadEnv("IMAGE_TAG"));
    }
}

/// <summary>
/// The tool interrupted on the real shape: Ctrl+C inside the migrations, and SIGKILL right after the tag was pinned
/// (then Rollback). The rollback's log watch reads only what the old container printed since the rollback started
/// it, never the migrations of its earlier life.
/// </summary>
[Collection(RealShapeDeploymentCollection.Name)]
public sealed class RealShapeInterruptedTests(RealShapeDeployment fixture)
{
    readonly RollbackDeployment _deployment = fixture.Deployment;

    [Fact]
    public async Task Ctrl_C_during_StartBackend_rolls_back_to_the_old_version()
    {
        await _deployment.ReadyOnAsync("0.2.0");
        // The backend reads the whole .env: slow its migrations so that "inside the migrations" is a window of seconds.
        await File.AppendAllTextAsync(_deployment.Sandbox.EnvFile, "NEXPLANE_MIGRATION_DELAY_MS=3000\n");
        var before = await _deployment.CaptureAsync();

        var run = await _deployment.CtrlCInsideTheMigrationsAsync();

        Assert.Matches(@"StartBackend\s+Aborted", run.Output);
        await _deployment.AssertRolledBackAsync(before, run);
        Assert.Empty(_deployment.UnfinishedJournals());
    }

    [Fact]
    public async Task Killed_right_after_pinning_the_tag_then_rolled_back_without_replaying_old_migrations()
    {
        await _deployment.ReadyOnAsync("0.2.0");
        var before = await _deployment.CaptureAsync();

        using (var upgrade = InterruptibleRun.Start(_deployment.UpgradeArguments("0.3.0")))
        {
            await upgrade.WaitForLineAsync("backend: pinned", TimeSpan.FromMinutes(3));
            upgrade.Signal(InterruptibleRun.SigKill);
            await upgrade.WaitForGroupGoneAsync(TimeSpan.FromSeconds(30));
        }

        var rollback = await _deployment.RollbackAsync("--remove-stale-lock");

        Assert.True(rollback.ExitCode == 0 && rollback.Output.Contains("Rolled back and healthy"), "the rollback did not succeed: " + rollback);
        // The old backend container's earlier life migrated an empty database; none of that is this rollback's.
        Assert.DoesNotContain("-> 001_initial", rollback.Output);
        Assert.DoesNotContain("Running upgrade", rollback.Output);
        await _deployment.AssertSameDeploymentAsync(before);
        Assert.Empty(_deployment.UnfinishedJournals());
    }
}
