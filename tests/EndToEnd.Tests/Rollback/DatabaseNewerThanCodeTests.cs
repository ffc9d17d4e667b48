using System.Text;
using CliWrap;
using Xunit.Abstractions;

namespace EndToEnd.Tests.Rollback;

/// <summary>
/// Fault matrix, "database newer than the code": 0.3.0 serves while someone ran 0.4.0's migrations against its
/// database (a rehearsal pointed at production, a nightly tried out), so alembic_version is 006_drop_legacy_flags.
/// The running 0.3.0 keeps serving (it checked its head at startup).
///
/// With the release notes from GitHub, Preflight knows 0.4.0 introduces 006 and refuses the upgrade to 0.3.3 before
/// anything changes. With notes that cannot tell (an offline file of the path's releases only), the upgrade meets
/// the real `FAILED: Can't locate revision identified by '006_drop_legacy_flags'` (exit 255) in StartBackend, and the
/// correct outcome is not "healthy on 0.3.0": the database as it was before the upgrade (which the rollback must
/// restore faithfully, not "repair") is one that 0.3.0 refuses to start on. The rollback restores it, puts the files
/// back, and must then say that a human is needed instead of claiming health, and leave the upgrade unfinished so the
/// next run refuses to start over.
/// </summary>
[Collection(SharedRunbookDeploymentCollection.Name)]
public sealed class DatabaseNewerThanCodeTests(SharedRunbookDeployment fixture, ITestOutputHelper output)
{
    readonly RollbackDeployment _deployment = fixture.Deployment;

    [Fact]
    public async Task Preflight_refuses_when_the_notes_show_the_database_is_ahead_and_nothing_changes()
    {
        await _deployment.ReadyOnAsync("0.3.0");
        await MigrateWithAsync("0.4.0");
        var before = await _deployment.CaptureAsync();

        var run = await _deployment.UpgradeAsync("0.3.3");

        Assert.Equal(255, run.ExitCode);
        Assert.Contains("[database-ahead]", run.Output);
        Assert.Contains("The database is at alembic revision 006_drop_legacy_flags, which release 0.4.0 introduces", run.Output);
        Assert.Matches(@"Preflight\s+Failed", run.Output);
        Assert.DoesNotMatch(@"Stop\s+Succeeded", run.Output);
        await _deployment.AssertSameDeploymentAsync(before);
        RollbackMatrix.Record(output, "database newer than code, notes from GitHub: 0.3.0 -> 0.3.3",
            "refused by Preflight ([database-ahead]: 006 comes with 0.4.0); nothing changed", null);
    }

    [Fact]
    public async Task The_rollback_restores_the_database_as_it_was_and_says_a_human_is_needed()
    {
        await _deployment.ReadyOnAsync("0.3.0");
        await MigrateWithAsync("0.4.0");
        var before = await _deployment.CaptureAsync();
        Assert.Equal("006_drop_legacy_flags", before.Snapshot.AlembicRevisions);
        Assert.Equal("0.3.0", before.Version);
        // Notes of the path's releases only: nothing tells Preflight which release brings 006.
        var notes = Path.Combine(_deployment.Sandbox.DeployDirectory, "notes-0.3.1-0.3.3.md");
        await File.WriteAllTextAsync(notes, "# v0.3.3\nBug fixes.\n\n# v0.3.2\nBug fixes.\n\n# v0.3.1\nBug fixes.\n");

        var run = await _deployment.UpgradeAsync("0.3.3", "--health-timeout", "10s", "--release-notes-file", notes);

        try
        {
            Assert.Equal(255, run.ExitCode);
            Assert.Contains("FAILED: Can't locate revision identified by '006_drop_legacy_flags'", run.Output);
            Assert.Matches(@"StartBackend\s+Failed", run.Output);
            Assert.Matches(@"Rollback\s+Failed", run.Output);
            Assert.Contains("Needs a human", run.Output);
            Assert.DoesNotContain("Rolled back and healthy", run.Output);
            Assert.Equal("needs a human", RollbackTiming.Report(run).GetProperty("outcome").GetString());

            var after = await EndToEnd.Tests.Support.DeploymentSnapshot.TakeAsync(_deployment.Sandbox);
            Assert.True(before.Snapshot.ComposeFile == after.ComposeFile, "the compose file was not restored byte for byte");
            Assert.True(before.Snapshot.EnvFile == after.EnvFile, "the .env file was not restored byte for byte");
            Assert.Equal(before.Snapshot.AlembicRevisions, after.AlembicRevisions);
            Assert.Equal(before.Snapshot.RowCounts, after.RowCounts);
            Assert.Equal(Protected(before.Snapshot), Protected(after));
            // Unfinished: the next upgrade must refuse instead of starting over on this deployment.
            Assert.Single(_deployment.UnfinishedJournals());
        }
        finally
        {
            RollbackMatrix.Record(output, "database newer than code (alembic 006 under a running 0.3.0), offline notes that cannot tell: 0.3.0 -> 0.3.3",
                $"StartBackend FAILED exit 255; files restored, database as before; 0.3.0 cannot start on it: needs a human (exit {run.ExitCode})",
                run.Output.Contains("Report: ") ? RollbackTiming.Of(run) : null);
        }
    }

    static string Protected(EndToEnd.Tests.Support.DeploymentSnapshot snapshot) =>
        string.Join("\n", snapshot.Containers.Split('\n').Where(l => l.StartsWith("db ", StringComparison.Ordinal) || l.StartsWith("redis ", StringComparison.Ordinal)));

    /// <summary>Runs another release's `alembic upgrade head` against the instance's database, beside the running backend.</summary>
    async Task MigrateWithAsync(string release)
    {
        var text = new StringBuilder();
        var result = await Cli.Wrap("docker")
            .WithArguments([
                "run", "--rm", "--network", "host",
                "-e", "DATABASE_URL", "-e", "SECRET_KEY", "-e", "WEBHOOK_SECRET",
                $"127.0.0.1:5000/youbetyourballs/nexplane-backend:{release}", "nexplane-sandbox", "migrate",
            ])
            // Secrets through the environment, never the argument list.
            .WithEnvironmentVariables(new Dictionary<string, string?>
            {
                ["DATABASE_URL"] = $"postgresql://nexplane:{_deployment.ReadEnv("POSTGRES_PASSWORD")}@127.0.0.1:{_deployment.Sandbox.DatabasePort}/nexplane",
                ["SECRET_KEY"] = _deployment.ReadEnv("SECRET_KEY"),
                ["WEBHOOK_SECRET"] = _deployment.ReadEnv("WEBHOOK_SECRET"),
            })
            .WithValidation(CommandResultValidation.None)
            .WithStandardOutputPipe(PipeTarget.ToStringBuilder(text))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(text))
            .ExecuteAsync();
        Assert.True(result.ExitCode == 0, $"{release}'s migrate failed: {text}");
    }
}
