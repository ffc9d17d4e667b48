using Nexplane.Upgrade.Database;
using Nuke.Common;
using Serilog;

partial class Build
{
    /// <summary>The database really is where the backend's log says: one Alembic head, the reported one, and it moved if it had to.</summary>
    Target VerifyMigrations => _ => _
        .Description("Checks that alembic_version is the single head the backend reported")
        .DependsOn(StartBackend)
        .OnlyWhenDynamic(() => NotDoneBeforeResuming(nameof(VerifyMigrations)))
        .Executes(async cancellationToken =>
        {
            var expectation = new MigrationExpectation(
                Run.MigrationHeadFromLogs,
                Run.Preflight?.AlembicRevisions ?? [],
                AnnouncesMigrations);
            var head = await new MigrationVerifier(new DatabaseInspector(DatabaseTarget)).VerifyAsync(expectation, cancellationToken);
            Log.Information("alembic_version holds the single head {Head}, as the backend reported", head);
            Report.MigrationHead = head;
            ReportSummary(summary => summary["Head"] = head);
        });
}
