using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Releases;
using Nuke.Common;
using Serilog;

partial class Build
{
    [Parameter("E-mail of the account used to verify that login works")]
    readonly string LoginEmail = "admin@nexplane.local";

    [Parameter("Password of that account (default: read from the deployment's .env, see --login-password-variable)")]
    [Secret]
    readonly string? LoginPassword;

    [Parameter("Variable in the deployment's .env that holds the login password")]
    readonly string LoginPasswordVariable = "NEXPLANE_ADMIN_PASSWORD";

    /// <summary>The login password: --login-password, else the deployment's .env.</summary>
    string? LoginPasswordOfDeployment => SecretFromDeployment(LoginPassword, LoginPasswordVariable);

    /// <summary>The version endpoint, a real login and the asset inventory, judged against <paramref name="version"/>; Verify and Rollback ask it.</summary>
    Task<IReadOnlyList<VerificationGate>> VerifyDeploymentAsync(NexplaneVersion version, CancellationToken cancellationToken) =>
        new DeploymentVerifier(Http).VerifyAsync(ApiUri, Deployment.VersionEndpoints, version, LoginEmail, LoginPasswordOfDeployment, cancellationToken);

    /// <summary>The operator's login to the control plane's API; the token is masked in every output from here on.</summary>
    async Task<(VerificationGate Gate, string? Token)> ControlPlaneLoginAsync(CancellationToken cancellationToken)
    {
        var (login, token) = await new DeploymentVerifier(Http).LoginGateAsync(ApiUri, LoginEmail, LoginPasswordOfDeployment, cancellationToken);
        if (token is not null)
            SecretRedactor.Register(token);
        return (login, token);
    }

    /// <summary>Tells the operator reading the warning above whether the tool will deal with those agents.</summary>
    string WhatHappensToOutdatedAgents =>
        !AgentUpgradeRequired ? "The release notes require no agent upgrade: they keep working (--upgrade-agents would upgrade the hosts in the agent hosts file)."
        : SkipAgents ? "--skip-agents: upgrade them by hand."
        : "The Agents step upgrades the hosts in the agent hosts file next.";

    NexplaneVersion TargetVersion => Run.Preflight?.Target ?? NexplaneVersion.Parse(Version!);

    Target Verify => _ => _
        .Description("Checks the version endpoint, a real login and the asset inventory")
        .DependsOn(Frontend)
        .OnlyWhenStatic(() => NotDryRun)
        .OnlyWhenDynamic(() => NotDoneBeforeResuming(nameof(Verify)))
        .Executes(async cancellationToken =>
            await Run.VerifyAsync(TargetVersion, WhatHappensToOutdatedAgents, this, this, cancellationToken));
}
