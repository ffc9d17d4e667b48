using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Runbook;
using Nuke.Common;
using Nuke.Common.IO;

/// <summary>
/// Nexplane's upgrade runbook as a build. This file is the composition root: the entry point, the parameters
/// every step shares, and the <see cref="Upgrade"/> aggregate. Each runbook step lives in its own
/// <c>Build.&lt;Step&gt;.cs</c> with the parameters only it needs.
/// </summary>
// A mistyped or unsupported flag must never turn into a real upgrade without it; and .nuke/parameters.json describes
// the sandbox, so a profile describing a real deployment must inherit none of its values.
[RejectUnknownOptions]
[ProfilesReplaceDefaultParameters]
partial class Build : NukeBuild
{
    /// No default target: every target reads or changes a deployment, so a bare <c>./build.sh</c> prints help.
    public static int Main() => Execute<Build>();

    [Parameter("Nexplane version to upgrade to, e.g. 0.3.0 (a leading 'v' is accepted)")]
    readonly string? Version;

    [Parameter("The deployment's compose file (docker-compose.yml)")]
    readonly AbsolutePath? ComposeFile;

    [Parameter("The compose project name (default: compose's own, from the compose file's directory)")]
    readonly string? ComposeProject;

    [Parameter("Compose CLI: Auto (the one that created the deployment's containers while it is installed, else v2, else v1), V2 or V1")]
    readonly ComposeCommand ComposeCommand = ComposeCommand.Auto;

    [Parameter("The .env file that the compose file interpolates (default: .env beside the compose file)")]
    readonly AbsolutePath? EnvFile;

    [Parameter("Application services that are stopped, re-tagged and started during an upgrade")]
    readonly string[] AppServices = ["backend", "worker", "frontend"];

    [Parameter("Compose service of the backend, whose log reports the migrations")]
    readonly string BackendService = "backend";

    [Parameter("Services that are never stopped or restarted (the database and the cache)")]
    readonly string[] ProtectedServices = ["db", "redis"];

    [Parameter("Base URL of the Nexplane backend API, e.g. http://127.0.0.1:8000 or https://host/api")]
    readonly string? ApiUrl;

    /// <summary>The runbook's steps (<see cref="RunbookTable"/>). <see cref="Upgrade"/> runs them all; each can be run alone.</summary>
    Target Upgrade => _ => _
        .Description("Upgrades Nexplane to --version: the whole runbook, rolled back automatically on failure")
        .DependsOn(RunbookTable.StepsAs(TargetOf));

    /// <summary>The target of the step before <paramref name="step"/> in the runbook's table: what its target depends on.</summary>
    Target[] PreviousStep(RunbookStep step) => RunbookTable.Previous(step) is { } previous ? [TargetOf(previous)] : [];

    /// <summary>The target that performs a runbook step: NUKE's targets are properties named like the step.</summary>
    Target TargetOf(RunbookStep step) =>
        // Through a delegate, not PropertyInfo.GetValue: discovery has called the getter reflectively already, and a
        // second reflective call has the runtime emit and JIT an invoke stub, ten of them on every start-up, --help
        // included (benchmarks/startup.sh).
        typeof(Build).GetProperty(step.ToString(), System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!
            .GetMethod!.CreateDelegate<Func<Target>>(this)();
}
