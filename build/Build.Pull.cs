using Nexplane.Upgrade.Runbook;
using Nuke.Common;

partial class Build
{
    /// <summary>Every new image is pulled while the old version still serves, so a failed pull changes nothing.</summary>
    Target Pull => _ => _
        .Description(RunbookTable.Description(RunbookStep.Pull))
        .DependsOn(PreviousStep(RunbookStep.Pull))
        .OnlyWhenStatic(() => NotDryRun)
        .OnlyWhenDynamic(() => NotDoneBeforeResuming(RunbookStep.Pull))
        .Executes(ResolveDeployment)
        .Executes(async cancellationToken => await Run.PullAsync(Live, cancellationToken));
}
