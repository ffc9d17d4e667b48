using Nuke.Common;

partial class Build
{
    [Parameter("E-mail of the account used to verify that login works")]
    readonly string LoginEmail = "admin@nexplane.local";

    [Parameter("Password of that account (default: read from the deployment's .env, see --login-password-variable)")]
    [Secret]
    readonly string? LoginPassword;

    [Parameter("Variable in the deployment's .env that holds the login password")]
    readonly string LoginPasswordVariable = "NEXPLANE_ADMIN_PASSWORD";

    Target Verify => _ => _
        .Description("Checks the version endpoint, a real login and the asset inventory")
        .DependsOn(Frontend)
        .Executes(() => NotImplementedYet(nameof(Verify)));
}
