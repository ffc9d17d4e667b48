using Nexplane.Upgrade.Processes;
using Nuke.Common;
using Nuke.Common.IO;
using Serilog;

partial class Build
{
    [Parameter("Nexplane version the sandbox deployment starts on")]
    readonly string SandboxVersion = "0.2.0";

    [Parameter("Shape of the sandbox deployment: runbook (the five services of the runbook, the default) or real (like real production Nexplane: db, backend, frontend, unpublished db port, SPA frontend, changelog-style notes)")]
    readonly string SandboxShape = "runbook";

    AbsolutePath ScriptsDirectory => RootDirectory / "scripts";

    /// <summary>
    /// A real local Nexplane to rehearse upgrades on: Docker engine, local registry, locally built images,
    /// and a compose deployment, all on 127.0.0.1. Running it again when it is up changes nothing.
    /// </summary>
    Target Sandbox => _ => _
        .Description("Starts a local Nexplane deployment (Docker, registry, images, compose) to rehearse upgrades on")
        .OnlyWhenStatic(() => NotDryRun)
        // `./build.sh Sandbox Upgrade --version 0.3.0` brings the sandbox up first, then upgrades it.
        .Before(Preflight)
        // sandbox-up.sh checks first whether the sandbox is already up and healthy (a no-op then); otherwise it
        // prepares the machine (test-env.sh) and the images (sandbox-images.sh) itself before starting it.
        .Executes(async cancellationToken => await RunScriptAsync("sandbox-up.sh", ["--version", SandboxVersion, "--shape", SandboxShape], cancellationToken));

    Target SandboxDown => _ => _
        .Description("Removes the sandbox's containers, volumes and data, and nothing else")
        .OnlyWhenStatic(() => NotDryRun)
        .Executes(async cancellationToken => await RunScriptAsync("sandbox-down.sh", [], cancellationToken));

    /// <summary>Runs one of the project's own environment scripts, relaying its output line by line.</summary>
    async Task RunScriptAsync(string script, string[] arguments, CancellationToken cancellationToken)
    {
        var command = new CommandLine("bash", [(ScriptsDirectory / script).ToString(), .. arguments])
        {
            WorkingDirectory = RootDirectory,
        };
        Log.Debug("Running {Command}", command);
        await Commands.RunCheckedAsync(
            command,
            LogLine,
            LogLine,
            cancellationToken);
    }
}
