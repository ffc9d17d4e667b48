using Nexplane.Upgrade.Runbook;
using Nuke.Common;

/// <summary>VerifyMigrations (src/Nexplane.Upgrade/Steps/VerifyMigrations): the database is where the backend's log says.</summary>
partial class Build
{
    Target VerifyMigrations => _ => _
        .Description(RunbookTable.Description(RunbookStep.VerifyMigrations))
        .DependsOn(PreviousStep(RunbookStep.VerifyMigrations))
        .OnlyWhenStatic(() => NotDryRun)
        .OnlyWhenDynamic(() => NotDoneBeforeResuming(RunbookStep.VerifyMigrations))
        .Executes(ResolveDeployment)
        .Executes(async cancellationToken => await Run.VerifyMigrationsAsync(Live, cancellationToken));
}
