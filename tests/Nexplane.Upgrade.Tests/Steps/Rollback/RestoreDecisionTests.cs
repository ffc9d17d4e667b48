using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Steps.Rollback;

namespace Nexplane.Upgrade.Tests.Steps.Rollback;

/// <summary>
/// When a rollback may skip the restore, with PostgreSQL's answers given as data: only a complete proof that nothing
/// committed since Stop skips it; every doubt restores.
/// </summary>
public sealed class RestoreDecisionTests
{
    static readonly DateTimeOffset ServerStarted = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);

    /// <summary>At Stop: ids up to 1000 assigned, 998 still running (a session of another client).</summary>
    static readonly TransactionHorizon AtStop = new(998, 1001, [998], ServerStarted, 16384, ["002_asset_tags"], "digest-at-stop",
        ServerStarted.AddHours(4));

    /// <summary>The failed migration's three attempts (crash loop) each began a transaction and aborted it; 998 aborted too.</summary>
    static HorizonCheck NothingCommitted => new(1004, new TransactionStatuses(4, 0, 4, 0, 0, null), ServerStarted, 16384, ["002_asset_tags"],
        "digest-at-stop");

    [Fact]
    public void Nothing_committed_since_Stop_with_alembic_version_and_schema_unchanged_skips_the_restore()
    {
        var decision = RestoreDecision.From(AtStop, NothingCommitted);

        Assert.False(decision.Restore);
        Assert.Equal("PostgreSQL shows no transaction committed since Stop (4 checked, all aborted), alembic_version still 002_asset_tags " +
                     "and the schema as it was", decision.Reason);
    }

    [Fact]
    public void No_transaction_begun_since_Stop_skips_the_restore_too()
    {
        var decision = RestoreDecision.From(AtStop with { Xmin = 1001, InProgress = [] },
            NothingCommitted with { CheckXid = 1001, Statuses = new TransactionStatuses(0, 0, 0, 0, 0, null) });

        Assert.False(decision.Restore);
        Assert.Contains("(none was begun)", decision.Reason);
    }

    [Fact]
    public void A_journal_without_a_horizon_restores_because_nothing_proves_the_database_unchanged()
    {
        var decision = RestoreDecision.From(null, NothingCommitted);

        Assert.True(decision.Restore);
        Assert.Contains("the journal holds no transaction horizon from Stop (written by an earlier version of the tool", decision.Reason);
    }

    [Fact]
    public void A_commit_by_anyone_since_Stop_restores_and_names_the_first_committed_transaction()
    {
        var decision = RestoreDecision.From(AtStop, NothingCommitted with { Statuses = new TransactionStatuses(4, 1, 3, 0, 0, 1002) });

        Assert.True(decision.Restore);
        Assert.StartsWith("1 transaction(s) committed since Stop (the first: 1002)", decision.Reason);
    }

    [Fact]
    public void A_transaction_running_at_Stop_that_committed_afterwards_restores()
    {
        // Only the horizon's in-progress id (998) committed: it was not visible at Stop, so its writes are new.
        var decision = RestoreDecision.From(AtStop,
            NothingCommitted with { CheckXid = 1001, Statuses = new TransactionStatuses(1, 1, 0, 0, 0, 998) });

        Assert.True(decision.Restore);
        Assert.Contains("(the first: 998)", decision.Reason);
    }

    [Fact]
    public void A_transaction_still_in_progress_restores_because_it_may_yet_commit()
    {
        var decision = RestoreDecision.From(AtStop, NothingCommitted with { Statuses = new TransactionStatuses(4, 0, 3, 1, 0, null) });

        Assert.True(decision.Restore);
        Assert.Contains("1 transaction(s) begun since Stop are still in progress", decision.Reason);
    }

    [Fact]
    public void Transactions_too_old_for_the_commit_log_restore()
    {
        var decision = RestoreDecision.From(AtStop, NothingCommitted with { Statuses = new TransactionStatuses(4, 0, 2, 0, 2, null) });

        Assert.True(decision.Restore);
        Assert.Contains("no longer knows how 2 transaction(s)", decision.Reason);
    }

    [Fact]
    public void A_refused_query_restores_and_says_what_PostgreSQL_answered()
    {
        var decision = RestoreDecision.From(AtStop, null, "function pg_xact_status(xid8) does not exist");

        Assert.True(decision.Restore);
        Assert.Contains("(function pg_xact_status(xid8) does not exist)", decision.Reason);
    }

    [Fact]
    public void A_restarted_server_restores_even_when_every_transaction_looks_aborted()
    {
        // A crash marks running transactions aborted; whatever happened around it is not for us to vouch for.
        var decision = RestoreDecision.From(AtStop, NothingCommitted with { ServerStartedAt = ServerStarted.AddHours(5) });

        Assert.True(decision.Restore);
        Assert.Contains("the PostgreSQL server restarted since Stop", decision.Reason);
    }

    [Fact]
    public void A_database_replaced_since_Stop_restores()
    {
        // E.g. an earlier rollback's restore swapped another database in, then died before it recorded its outcome.
        var decision = RestoreDecision.From(AtStop, NothingCommitted with { DatabaseOid = 24576 });

        Assert.True(decision.Restore);
        Assert.Contains("the database is not the one seen at Stop (oid 16384, now 24576)", decision.Reason);
    }

    [Fact]
    public void A_transaction_counter_behind_the_horizon_restores()
    {
        // Another cluster answers at the same address (re-initialised, or a replica promoted).
        var decision = RestoreDecision.From(AtStop, NothingCommitted with { CheckXid = 900, Statuses = null });

        Assert.True(decision.Restore);
        Assert.Contains("behind the one recorded at Stop (900 < 1001)", decision.Reason);
    }

    [Fact]
    public void More_transactions_since_Stop_than_the_check_reads_restores()
    {
        var decision = RestoreDecision.From(AtStop, NothingCommitted with { CheckXid = 1001 + 2_000_000, Statuses = null });

        Assert.True(decision.Restore);
        Assert.Contains("2000000 transactions were started since Stop, more than the check reads", decision.Reason);
    }

    [Fact]
    public void Another_alembic_version_restores_even_without_a_visible_commit()
    {
        var decision = RestoreDecision.From(AtStop, NothingCommitted with { AlembicRevisions = ["004_backfill_asset_owner"] });

        Assert.True(decision.Restore);
        Assert.Contains("alembic_version is 004_backfill_asset_owner, it was 002_asset_tags at Stop", decision.Reason);
    }

    [Fact]
    public void Another_schema_restores_even_without_a_visible_commit()
    {
        var decision = RestoreDecision.From(AtStop, NothingCommitted with { SchemaDigest = "digest-with-teams" });

        Assert.True(decision.Restore);
        Assert.Equal("the schema's definitions differ from those at Stop", decision.Reason);
    }
}
