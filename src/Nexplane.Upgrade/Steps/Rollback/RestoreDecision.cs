using Nexplane.Upgrade.Database;

namespace Nexplane.Upgrade.Steps.Rollback;

/// <summary>
/// Whether a rollback must restore the backup, decided from PostgreSQL's own answers. The restore is skipped only
/// when they prove the database is as the old version left it at Stop: no transaction anywhere in the cluster
/// committed since the horizon recorded then, on the same server run and the same database, with alembic_version and
/// the schema unchanged. Anything else (no horizon, a commit by anyone, a question refused or unanswerable) restores:
/// the restore is the default, and the proof has to be complete to avoid it.
/// </summary>
public sealed record RestoreDecision(bool Restore, string Reason)
{
    public static RestoreDecision Restoring(string reason) => new(true, reason);

    /// <summary>
    /// <paramref name="check"/> is null when PostgreSQL could not be asked; <paramref name="refusal"/> then says why.
    /// </summary>
    public static RestoreDecision From(TransactionHorizon? horizon, HorizonCheck? check, string? refusal = null)
    {
        if (horizon is null)
            return Restoring("the journal holds no transaction horizon from Stop (written by an earlier version of the tool, " +
                             "or Stop did not record one), so nothing proves the database unchanged");
        if (check is null)
            return Restoring($"PostgreSQL could not be asked whether anything committed since Stop ({refusal ?? "no answer"})");
        if (check.ServerStartedAt != horizon.ServerStartedAt)
            return Restoring($"the PostgreSQL server restarted since Stop (started {horizon.ServerStartedAt:u}, now {check.ServerStartedAt:u})");
        if (check.DatabaseOid != horizon.DatabaseOid)
            return Restoring($"the database is not the one seen at Stop (oid {horizon.DatabaseOid}, now {check.DatabaseOid}): " +
                             "it was replaced or re-created since");
        if (check.CheckXid < horizon.Xmax)
            return Restoring($"the server's transaction counter is behind the one recorded at Stop ({check.CheckXid} < {horizon.Xmax})");
        if (check.Statuses is not { } statuses)
            return Restoring($"{check.CheckXid - horizon.Xmax} transactions were started since Stop, more than the check reads " +
                             $"({TransactionHorizonProbe.MostTransactionsChecked})");
        if (statuses.Committed > 0)
            return Restoring($"{statuses.Committed} transaction(s) committed since Stop (the first: {statuses.FirstCommitted}); PostgreSQL does not " +
                             "say whose: the new version's, or another client's such as autovacuum's ANALYZE or a monitoring tool");
        if (statuses.InProgress > 0)
            return Restoring($"{statuses.InProgress} transaction(s) begun since Stop are still in progress and may yet commit");
        if (statuses.Unknown > 0)
            return Restoring($"PostgreSQL no longer knows how {statuses.Unknown} transaction(s) since Stop ended (too old for its commit log)");
        if (!check.AlembicRevisions.SequenceEqual(horizon.AlembicRevisions))
            return Restoring($"alembic_version is {Revisions(check.AlembicRevisions)}, it was {Revisions(horizon.AlembicRevisions)} at Stop");
        if (check.SchemaDigest != horizon.SchemaDigest)
            return Restoring("the schema's definitions differ from those at Stop");
        return new RestoreDecision(false,
            $"PostgreSQL shows no transaction committed since Stop ({Checked(statuses)}), alembic_version still " +
            $"{Revisions(check.AlembicRevisions)} and the schema as it was");
    }

    static string Checked(TransactionStatuses statuses) =>
        statuses.Checked == 0 ? "none was begun" : $"{statuses.Checked} checked, all aborted";

    static string Revisions(IReadOnlyList<string> revisions) => revisions.Count == 0 ? "empty" : string.Join(",", revisions);
}
