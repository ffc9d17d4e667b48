using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Steps.Agents;
using Nuke.Common;

/// <summary>Verify (src/Nexplane.Upgrade/Steps/Verify): the new version answers, logs in and serves its assets.</summary>
partial class Build
{
    [Parameter("E-mail of the account used to verify that login works")]
    readonly string LoginEmail = "admin@nexplane.local";

    [Parameter("Password of that account (default: read from the deployment's .env, see --login-password-variable)")]
    [Secret]
    readonly string? LoginPassword;

    [Parameter("Variable in the deployment's .env that holds the login password")]
    readonly string LoginPasswordVariable = "NEXPLANE_ADMIN_PASSWORD";

    /// <summary>Tells the operator reading the warning above whether the tool will deal with those agents.</summary>
    string WhatHappensToOutdatedAgents => AgentsThisRun switch
    {
        AgentUpgradeDecision.NotRequired => "The release notes require no agent upgrade: they keep working (--upgrade-agents would upgrade the hosts in the agent hosts file).",
        AgentUpgradeDecision.LeftToOperator => "--skip-agents: upgrade them by hand.",
        _ => "The Agents step upgrades the hosts in the agent hosts file next.",
    };

    Target Verify => _ => _
        .Description(RunbookTable.Description(RunbookStep.Verify))
        .DependsOn(PreviousStep(RunbookStep.Verify))
        .OnlyWhenStatic(() => NotDryRun)
        .OnlyWhenDynamic(() => NotDoneBeforeResuming(RunbookStep.Verify))
        .Executes(ResolveDeployment)
        .Executes(async cancellationToken => await Run.VerifyAsync(WhatHappensToOutdatedAgents, Live, Live, cancellationToken));
}
