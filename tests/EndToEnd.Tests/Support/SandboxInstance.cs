using System.Text;
using CliWrap;

namespace EndToEnd.Tests.Support;

/// <summary>
/// An isolated sandbox deployment (scripts/sandbox-up.sh --instance N): its own compose project, deploy directory,
/// GitHub stand-in and ports, so test classes can upgrade, break and roll back deployments side by side.
/// Instance numbers are handed out per test class or per shared collection; 0 is the developers' sandbox and never
/// used by tests. Allocation: 11-19 Preflight, 21-29 upgrade steps, 31-39 rollback (36 shared by the runbook-shape
/// classes of one or two tests: failures before the downtime, Ctrl+C, database newer than the code, notifications),
/// 41-49 database (44: the Ansible agent engine), 51-59 sandbox (agent hosts), 60-69 the real-shaped sandbox (<c>--shape real</c>; 60-61 its shape
/// tests, 63 shared by every real-shape upgrade, rollback, dry-run and rehearsal test), 70 rehearsals on the runbook
/// shape, 72-73 benchmarks/rehearsal.sh, 75 the rollback without a restore, 80 dry run and CI output, 85 the hang-up,
/// 87 the compose v1 lane, 90 benchmarks/fleet.sh (its default).
/// </summary>
public sealed class SandboxInstance(int number, ComposeLane compose = ComposeLane.Default)
{
    public int Number { get; } = number is >= 1 and <= 99 ? number : throw new ArgumentOutOfRangeException(nameof(number));

    /// <summary>Which compose creates the instance's containers (and so, by the tool's own choice, upgrades them).</summary>
    public ComposeLane Compose { get; } = compose;
    public string Project => $"nexplane-sandbox-{Number}";
    public string DeployDirectory => Path.Combine(RepositoryRoot.Path, ".sandbox", $"instance-{Number}");
    public string ComposeFile => Path.Combine(DeployDirectory, "docker-compose.yml");
    public string EnvFile => Path.Combine(DeployDirectory, ".env");
    public string BackupDirectory => Path.Combine(DeployDirectory, "backups");
    /// <summary>Ports as scripts/lib/sandbox-instance.sh assigns them: 20000 + 10 n + k, below the ephemeral range.</summary>
    int PortBase => 20000 + 10 * Number;
    public int DatabasePort => PortBase + 2;
    public string BackendUrl => $"http://127.0.0.1:{PortBase}";
    public string FrontendUrl => $"http://127.0.0.1:{PortBase + 1}";
    public string GitHubApiUrl => $"http://127.0.0.1:{PortBase + 4}/";
    /// <summary>The agent hosts file sandbox-up.sh writes for the instance's three SSH agent hosts.</summary>
    public string AgentHostsFile => Path.Combine(DeployDirectory, "agent-hosts.json");
    /// <summary>The agent host containers; each agent registers under its container's name.</summary>
    public IReadOnlyList<string> AgentHosts => [$"{Project}-agent-1", $"{Project}-agent-2", $"{Project}-agent-3"];

    /// <summary>The parameters that point ./build.sh at this instance instead of the default sandbox.</summary>
    public string[] ToolArguments =>
    [
        "--compose-file", ComposeFile,
        "--compose-project", Project,
        "--api-url", BackendUrl,
        "--frontend-url", FrontendUrl,
        "--database-port", DatabasePort.ToString(),
        "--github-api-url", GitHubApiUrl,
        "--backup-directory", BackupDirectory,
        "--agent-hosts-file", AgentHostsFile,
    ];

    static readonly SemaphoreSlim PrepareOnce = new(1, 1);
    static bool _prepared;

    /// <summary>
    /// The Docker engine, the registry and the images, started or built once per test run by the project's own
    /// idempotent scripts. A machine without them fails here, loudly; tests never skip.
    /// </summary>
    public static async Task EnsureEnvironmentAsync()
    {
        await PrepareOnce.WaitAsync();
        try
        {
            if (_prepared)
                return;
            await RunScriptAsync("test-env.sh");
            await RunScriptAsync("sandbox-images.sh");
            _prepared = true;
        }
        finally
        {
            PrepareOnce.Release();
        }
    }

    /// <summary>Brings this instance up fresh on <paramref name="version"/>: any previous state is removed first.</summary>
    public async Task StartFreshAsync(string version, string tagStyle = "image", string naming = "runbook")
    {
        await EnsureEnvironmentAsync();
        await RemoveAsync();
        await RunScriptAsync(ComposeEnvironment, "sandbox-up.sh", "--instance", Number.ToString(), "--version", version,
            "--tag-style", tagStyle, "--naming", naming, "--skip-prepare");
    }

    /// <summary>
    /// Brings this instance up fresh in the given shape (<c>runbook</c> or <c>real</c>, scripts/sandbox-up.sh --shape);
    /// the real shape brings its own naming (GHCR-style) and tag style (IMAGE_TAG in .env).
    /// </summary>
    public async Task StartFreshAsync(string version, SandboxShape shape)
    {
        if (shape == SandboxShape.Runbook)
        {
            await StartFreshAsync(version);
            return;
        }
        await EnsureEnvironmentAsync();
        await RemoveAsync();
        await RunScriptAsync(ComposeEnvironment, "sandbox-up.sh", "--instance", Number.ToString(), "--version", version, "--shape", "real", "--skip-prepare");
    }

    public Task RemoveAsync() => RunScriptAsync("sandbox-down.sh", "--instance", Number.ToString());

    /// <summary>scripts/lib/common.sh's detect_compose: v2 when installed, unless the lane insists on v1.</summary>
    IReadOnlyDictionary<string, string?> ComposeEnvironment => new Dictionary<string, string?>
    {
        ["NEXPLANE_SANDBOX_COMPOSE"] = Compose == ComposeLane.V1 ? "v1" : null,
    };

    static Task RunScriptAsync(string script, params string[] arguments) => RunScriptAsync(new Dictionary<string, string?>(), script, arguments);

    static async Task RunScriptAsync(IReadOnlyDictionary<string, string?> environment, string script, params string[] arguments)
    {
        var output = new StringBuilder();
        var result = await Cli.Wrap("bash")
            .WithArguments([Path.Combine(RepositoryRoot.Path, "scripts", script), .. arguments])
            .WithEnvironmentVariables(environment)
            .WithWorkingDirectory(RepositoryRoot.Path)
            .WithValidation(CommandResultValidation.None)
            .WithStandardOutputPipe(PipeTarget.ToStringBuilder(output))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(output))
            .ExecuteAsync();
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"scripts/{script} {string.Join(' ', arguments)} failed with exit code {result.ExitCode}:{Environment.NewLine}{output}");
    }
}

/// <summary>
/// Which compose creates a sandbox instance. The suite runs on v2 (what real installs run); the v1 lane creates its
/// instances with Debian 12's docker-compose 1.29.2, whose containers (project_service_1) the tool keeps on v1.
/// </summary>
public enum ComposeLane
{
    /// <summary>scripts/lib/common.sh's choice: v2, which scripts/test-env.sh installs.</summary>
    Default,
    /// <summary>docker-compose v1 (NEXPLANE_SANDBOX_COMPOSE=v1).</summary>
    V1,
}

/// <summary>The deployment shapes scripts/sandbox-up.sh brings up (<c>--shape</c>).</summary>
public enum SandboxShape
{
    /// <summary>The runbook's: db, redis, backend, worker, frontend on host networking, heading-style notes.</summary>
    Runbook,
    /// <summary>Real production Nexplane's: db, backend, frontend on a compose network, unpublished db port, SPA frontend, changelog notes.</summary>
    Real,
}
