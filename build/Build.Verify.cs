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

    NexplaneVersion TargetVersion => PreflightResult?.Target ?? NexplaneVersion.Parse(Version!);

    Target Verify => _ => _
        .Description("Checks the version endpoint, a real login and the asset inventory")
        .DependsOn(Frontend)
        .OnlyWhenDynamic(() => NotDoneBeforeResuming(nameof(Verify)))
        .Executes(async cancellationToken =>
        {
            var gates = await new DeploymentVerifier(Http).VerifyAsync(
                ApiUri, VersionEndpoints.Select(VersionEndpoint.Parse).ToArray(), TargetVersion,
                LoginEmail, SecretFromDeployment(LoginPassword, LoginPasswordVariable), cancellationToken);
            foreach (var gate in gates)
                Log.Information("{Gate}", gate.ToString());
            var failed = gates.Where(g => !g.Passed).ToArray();
            ReportSummary(summary => summary["Gates"] = $"{gates.Count - failed.Length}/{gates.Count} passed");
            if (failed.Length > 0)
                throw new InvalidOperationException(
                    $"Verify failed {failed.Length} of {gates.Count} gate(s); the deployment does not run {TargetVersion} correctly:" + Environment.NewLine +
                    string.Join(Environment.NewLine, failed.Select(g => "  " + g)));
        });
}
