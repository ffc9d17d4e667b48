using System.Net.Http.Json;
using EndToEnd.Tests.Sandbox;
using EndToEnd.Tests.Support;
using Npgsql;
using Xunit.Abstractions;

namespace EndToEnd.Tests.Rollback;

/// <summary>
/// Reconcile before acting: a journal describes the deployment as it was. When the deployment changed since (reinstalled
/// at the same path, upgraded by hand, an interrupted upgrade repaired by hand), Rollback and --resume refuse, name what
/// differs, and change nothing: the containers keep their ids and start times, the compose file and .env keep their
/// bytes, the databases on the server stay the same list, the journals stay as they were.
/// </summary>
public abstract class ReconcileBeforeActingTests(RollbackDeployment deployment, ITestOutputHelper output)
{
    protected abstract string ReleaseTag(string version);

    [Fact]
    public async Task Rollback_after_a_reinstall_is_refused_and_changes_nothing()
    {
        await deployment.ReadyOnAsync("0.2.0");
        var upgrade = await deployment.UpgradeAsync("0.3.0");
        Assert.True(upgrade.ExitCode == 0, "the upgrade to 0.3.0 did not succeed: " + upgrade);

        // Reinstalled at the same path: the same compose file, a fresh database volume, new secrets, 0.2.0 running.
        await deployment.Sandbox.StartFreshAsync("0.2.0", deployment.Shape);
        var before = await NothingChangedSince.TakeAsync(deployment);

        var rollback = await deployment.RollbackAsync();

        AssertRefused(rollback, "Rollback refused; nothing was changed", "reinstalled since", "database cluster: recorded system identifier");
        await before.AssertUnchangedAsync();
        var status = await BuildScript.RunAsync(["Status", "--no-logo", .. deployment.ToolArguments]);
        Assert.Contains("no longer matches the deployment: reinstalled since", status.Output);
        RollbackMatrix.Record(output, $"reinstalled after 0.2.0 -> 0.3.0 ({deployment.Shape} shape), then Rollback",
            "refused: another database cluster; nothing changed", null);
    }

    [Fact]
    public async Task Rollback_after_an_upgrade_by_hand_is_refused_and_changes_nothing()
    {
        await deployment.ReadyOnAsync("0.2.0");
        var upgrade = await deployment.UpgradeAsync("0.3.0");
        Assert.True(upgrade.ExitCode == 0, "the upgrade to 0.3.0 did not succeed: " + upgrade);

        // By hand, as the runbook says: the new tag where the deployment keeps it, then compose up.
        Pin(ReleaseTag("0.3.0"), ReleaseTag("0.4.0"));
        await EndToEnd.Tests.Sandbox.RealShape.ComposeAsync(deployment.Sandbox, "up", "-d");
        await WaitUntilServedAsync("0.4.0");
        var before = await NothingChangedSince.TakeAsync(deployment);

        var rollback = await deployment.RollbackAsync();

        AssertRefused(rollback, "Rollback refused; nothing was changed", "upgraded or changed outside the tool since: now 0.4.0", "running version: recorded 0.3.0");
        await before.AssertUnchangedAsync();
        Assert.Equal("0.4.0", await deployment.ServedVersionAsync());
        RollbackMatrix.Record(output, $"0.2.0 -> 0.3.0, then 0.4.0 by hand ({deployment.Shape} shape), then Rollback",
            "refused: runs 0.4.0, not what the upgrade installed; nothing changed", null);
    }

    [Fact]
    public async Task Resume_after_the_interrupted_upgrade_was_repaired_by_hand_is_refused_and_changes_nothing()
    {
        Nexplane.Upgrade.Runbook.UpgradeJournal interrupted;
        for (var attempt = 1; ; attempt++)
        {
            await deployment.ReadyOnAsync("0.2.0");
            var journalsBefore = deployment.Journals().Select(j => j.FilePath).ToHashSet();
            interrupted = await KilledUpgradeTests.TryKillAfterAsync(deployment, journalsBefore, "Stop")
                          ?? throw new Xunit.Sdk.XunitException("the upgrade finished before the SIGKILL after Stop landed");
            // The case under test is an upgrade stopped in its downtime, before the new backend migrated anything. The
            // kill lands a little after Stop is recorded: on a busy machine the run may have created the new backend by
            // then, which goes on migrating without the tool and before the journal names any migration.
            if (!interrupted.HasCompleted("StartBackend") && interrupted.MigrationHead is null && !await NewBackendCreatedAsync())
                break;
            Assert.True(attempt < 3, $"{attempt} times the new backend had started before the SIGKILL after Stop landed");
            deployment.ForgetJournals();
        }

        // Repaired by hand: the files put back from the copies the upgrade kept, the previous version started again.
        foreach (var file in interrupted.ChangedFiles)
            File.Copy(file.CopyOfOriginal, file.Path, overwrite: true);
        await EndToEnd.Tests.Sandbox.RealShape.ComposeAsync(deployment.Sandbox, "up", "-d");
        await WaitUntilServedAsync("0.2.0");
        var before = await NothingChangedSince.TakeAsync(deployment);

        var resume = await deployment.UpgradeAsync("0.3.0", "--resume", "--remove-stale-lock");

        AssertRefused(resume, "--resume refused; nothing was changed", "running version: recorded", "now 0.2.0");
        await before.AssertUnchangedAsync();
        Assert.Single(deployment.UnfinishedJournals());
        RollbackMatrix.Record(output, $"SIGKILL after Stop, repaired by hand ({deployment.Shape} shape), then --resume",
            "refused: 0.2.0 runs where the journal implies the downtime; nothing changed", null);
    }

    /// <summary>The deployment's migrations and containers, for a failure message; what went wrong reading them, if it did.</summary>
    async Task<string> DescribeAsync()
    {
        try
        {
            var snapshot = await DeploymentSnapshot.TakeAsync(deployment.Sandbox);
            return $"its migrations: {snapshot.AlembicRevisions}; its containers:\n{snapshot.Containers}";
        }
        catch (Exception exception)
        {
            return $"reading its state failed too: {exception.Message}";
        }
    }

    /// <summary>Whether a backend container of 0.3.0 exists, created by the run before its kill.</summary>
    async Task<bool> NewBackendCreatedAsync() =>
        (await DeploymentSnapshot.TakeAsync(deployment.Sandbox)).Containers.Split('\n')
        .Any(line => line.StartsWith("backend ", StringComparison.Ordinal) && line.Split(' ')[2].EndsWith(":" + ReleaseTag("0.3.0"), StringComparison.Ordinal));

    static void AssertRefused(BuildScriptResult run, params string[] texts)
    {
        Assert.True(run.ExitCode != 0, "the command was not refused: " + run);
        foreach (var text in texts)
            Assert.True(run.Output.Contains(text, StringComparison.Ordinal), $"expected \"{text}\" in the refusal: {run}");
        Assert.DoesNotContain("Restoring the database", run.Output);
        Assert.DoesNotContain("Restored ", run.Output);
    }

    /// <summary>Moves the app images from one tag to another where this shape keeps them (image: lines, or IMAGE_TAG in .env).</summary>
    void Pin(string from, string to)
    {
        var file = deployment.Shape == SandboxShape.Real ? deployment.Sandbox.EnvFile : deployment.Sandbox.ComposeFile;
        var text = File.ReadAllText(file);
        var pinned = deployment.Shape == SandboxShape.Real
            ? text.Replace($"IMAGE_TAG={from}", $"IMAGE_TAG={to}", StringComparison.Ordinal)
            : text.Replace($"nexplane-backend:{from}", $"nexplane-backend:{to}", StringComparison.Ordinal)
                .Replace($"nexplane-worker:{from}", $"nexplane-worker:{to}", StringComparison.Ordinal)
                .Replace($"nexplane-frontend:{from}", $"nexplane-frontend:{to}", StringComparison.Ordinal);
        Assert.NotEqual(text, pinned);
        File.WriteAllText(file, pinned);
    }

    async Task WaitUntilServedAsync(string version)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (await deployment.ServedVersionAsync() != version)
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"the deployment did not serve {version} after the change by hand; {await DescribeAsync()}");
            await Task.Delay(250);
        }
    }
}

/// <summary>Everything a refused command must leave as it was, including the databases on the server and the journals.</summary>
sealed record NothingChangedSince(RollbackDeployment Deployment, DeploymentSnapshot Snapshot, string Databases, string Journals)
{
    public static async Task<NothingChangedSince> TakeAsync(RollbackDeployment deployment) =>
        new(deployment, await DeploymentSnapshot.TakeAsync(deployment.Sandbox), await DatabasesAsync(deployment), JournalBytes(deployment));

    public async Task AssertUnchangedAsync()
    {
        var after = await DeploymentSnapshot.TakeAsync(Deployment.Sandbox);
        Assert.Equal(Snapshot.Containers, after.Containers);
        Assert.True(Snapshot.ComposeFile == after.ComposeFile, "the compose file changed");
        Assert.True(Snapshot.EnvFile == after.EnvFile, "the .env file changed");
        Assert.Equal(Snapshot.AlembicRevisions, after.AlembicRevisions);
        Assert.Equal(Snapshot.RowCounts, after.RowCounts);
        Assert.Equal(Databases, await DatabasesAsync(Deployment));
        Assert.Equal(Journals, JournalBytes(Deployment));
    }

    static async Task<string> DatabasesAsync(RollbackDeployment deployment)
    {
        await using var connection = await DeploymentSnapshot.OpenDatabaseAsync(deployment.Sandbox);
        await using var command = new NpgsqlCommand("select string_agg(datname || ':' || oid, ',' order by datname) from pg_database", connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    static string JournalBytes(RollbackDeployment deployment) =>
        string.Join("\n", deployment.Journals().OrderBy(j => j.FilePath).Select(j => j.FilePath + " " + Convert.ToHexString(
            System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(j.FilePath)))));
}

[Collection(SharedRunbookDeploymentCollection.Name)]
public sealed class RunbookShapeReconcileTests(SharedRunbookDeployment fixture, ITestOutputHelper output)
    : ReconcileBeforeActingTests(fixture.Deployment, output)
{
    protected override string ReleaseTag(string version) => version;
}

[Collection(RealShapeDeploymentCollection.Name)]
public sealed class RealShapeReconcileTests(RealShapeDeployment fixture, ITestOutputHelper output)
    : ReconcileBeforeActingTests(fixture.Deployment, output)
{
    protected override string ReleaseTag(string version) => "v" + version;
}
