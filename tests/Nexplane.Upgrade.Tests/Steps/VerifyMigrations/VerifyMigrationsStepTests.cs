using Nexplane.Upgrade.Steps.VerifyMigrations;
using Nexplane.Upgrade.Tests.Runs;

namespace Nexplane.Upgrade.Tests.Steps.VerifyMigrations;

/// <summary>
/// VerifyMigrations' verdict over alembic_version's rows, given as data (EndToEnd.Tests' VerifyMigrationsTests read them
/// from databases the sandbox's real migration chains migrated).
/// </summary>
public sealed class VerifyMigrationsStepTests
{
    readonly RecordedOutput _output = new();

    /// <summary>A database whose alembic_version holds the rows it is given, counting its reads.</summary>
    sealed class Database(params string[] revisions) : IMigratedDatabase
    {
        public int Reads { get; private set; }

        public Task<(IReadOnlyList<string> Revisions, string Database)> AlembicRevisionsAsync(CancellationToken cancellationToken)
        {
            Reads++;
            return Task.FromResult<(IReadOnlyList<string>, string)>((revisions, "nexplane@127.0.0.1:5432/nexplane"));
        }
    }

    Task<string> VerifyAsync(MigrationExpectation expectation, IMigratedDatabase database) =>
        new VerifyMigrationsStep(_output).RunAsync(expectation, database, CancellationToken.None);

    [Fact]
    public async Task The_single_head_the_log_reported_passes_and_is_returned()
    {
        var head = await VerifyAsync(new MigrationExpectation("005", ["004"], true), new Database("005"));

        Assert.Equal("005", head);
        Assert.Contains("INF alembic_version holds the single head 005, as the backend reported", _output.Lines);
        Assert.Equal("005", _output.Summary["Head"]);
    }

    [Fact]
    public async Task Without_a_head_from_the_log_it_fails_without_reading_the_database()
    {
        var database = new Database("005");

        var failure = await Assert.ThrowsAsync<MigrationVerificationException>(() => VerifyAsync(new MigrationExpectation(null, ["004"], true), database));

        Assert.Contains("did not report an Alembic head", failure.Message);
        Assert.Equal(0, database.Reads);
    }

    [Fact]
    public void An_empty_alembic_version_fails_and_names_the_database() =>
        Assert.Contains("alembic_version is empty or missing in nexplane@db/nexplane, but the backend reported head 005",
            Assert.Throws<MigrationVerificationException>(() => MigrationVerdict.Head(new("005", [], true), [], "nexplane@db/nexplane")).Message);

    [Fact]
    public void Several_heads_fail_as_a_branched_history() =>
        Assert.Contains("holds 2 rows (005, 005b)",
            Assert.Throws<MigrationVerificationException>(() => MigrationVerdict.Head(new("005", ["004"], true), ["005", "005b"], "db")).Message);

    [Fact]
    public void Another_head_than_the_log_reported_fails_and_says_both()
    {
        var failure = Assert.Throws<MigrationVerificationException>(() => MigrationVerdict.Head(new("006", ["004"], true), ["005"], "db"));

        Assert.Equal("alembic_version is 005, but the backend's log reported head 006 (before the upgrade: 004).", failure.Message);
    }

    [Fact]
    public void An_unchanged_head_fails_only_when_the_release_notes_announce_migrations()
    {
        Assert.Contains("the new version's migrations did not run",
            Assert.Throws<MigrationVerificationException>(() => MigrationVerdict.Head(new("004", ["004"], true), ["004"], "db")).Message);
        Assert.Equal("004", MigrationVerdict.Head(new("004", ["004"], false), ["004"], "db"));
    }
}
