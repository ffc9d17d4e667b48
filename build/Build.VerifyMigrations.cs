using Nexplane.Upgrade.Database;
using Nuke.Common;

partial class Build
{
    /// <summary>The database really is where the backend's log says: one Alembic head, the reported one, and it moved if it had to.</summary>
    Target VerifyMigrations => _ => _
        .Description("Checks that alembic_version is the single head the backend reported")
        .DependsOn(StartBackend)
        .OnlyWhenStatic(() => NotDryRun)
        .OnlyWhenDynamic(() => NotDoneBeforeResuming(nameof(VerifyMigrations)))
        .Executes(async cancellationToken =>
            await Run.VerifyMigrationsAsync(new MigrationVerifier(new DatabaseInspector(DatabaseTarget)).VerifyAsync, cancellationToken));
}
