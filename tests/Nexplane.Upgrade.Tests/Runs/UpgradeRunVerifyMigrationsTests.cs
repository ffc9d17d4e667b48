using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Runs;
using Nexplane.Upgrade.Steps.VerifyMigrations;
using Nexplane.Upgrade.Tests.Operator;

namespace Nexplane.Upgrade.Tests.Runs;

/// <summary>What the run hands VerifyMigrations (the head StartBackend recorded) and keeps of it (the verified head).</summary>
public sealed class UpgradeRunVerifyMigrationsTests
{
    readonly RecordedOutput _output = new();

    sealed class Database(params string[] revisions) : IMigratedDatabase
    {
        public Task<(IReadOnlyList<string> Revisions, string Database)> AlembicRevisionsAsync(CancellationToken cancellationToken) =>
            Task.FromResult<(IReadOnlyList<string>, string)>((revisions, "db"));
    }

    [Fact]
    public async Task The_head_StartBackend_recorded_is_checked_and_the_verified_head_goes_into_the_report()
    {
        var run = new UpgradeRun(_output, TestAdvice.Nuke);
        run.Record.Append(new MigrationsReported([], "006"));

        await run.VerifyMigrationsAsync(new Database("006"), CancellationToken.None);

        Assert.Equal("006", run.Report.MigrationHead);
        Assert.Equal("006", _output.Summary["Head"]);
    }

    [Fact]
    public async Task A_database_at_another_head_than_StartBackend_recorded_fails_and_records_nothing()
    {
        var run = new UpgradeRun(_output, TestAdvice.Nuke);
        run.Record.Append(new MigrationsReported([], "006"));

        var failure = await Assert.ThrowsAsync<MigrationVerificationException>(() => run.VerifyMigrationsAsync(new Database("005"), CancellationToken.None));

        Assert.Contains("alembic_version is 005, but the backend's log reported head 006", failure.Message);
        Assert.DoesNotContain(run.Record.Facts, fact => fact is MigrationsVerified);
        // The report keeps what the backend's log said; nothing claims the database verified.
        Assert.Equal("006", run.Report.MigrationHead);
    }
}
