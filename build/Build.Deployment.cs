using Nexplane.Upgrade.Wiring;
using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Deployments;
using Nexplane.Upgrade.Processes;
using Nexplane.Upgrade.Runs;
using Nuke.Common;

/// <summary>
/// The deployment the parameters describe, resolved once per run and printed with where each value came from, and
/// the live deployment every step acts on. Secrets read from its .env are registered for redaction as they are read.
/// </summary>
partial class Build
{
    static readonly Lazy<HttpClient> SharedHttp = new(() => new HttpClient { Timeout = TimeSpan.FromSeconds(15) });

    static HttpClient Http => SharedHttp.Value;

    /// <summary>The one runner of external commands (compose, the PostgreSQL tools, credential helpers, local shells).</summary>
    static readonly ICommandRunner Commands = new CliWrapCommandRunner();

    // The database's address and credentials are the deployment's: every step that reads the database uses them.
    [Parameter("Compose service of the PostgreSQL database")]
    readonly string DatabaseService = "db";

    [Parameter("Database host as seen from this machine (used when its port is published)")]
    readonly string DatabaseHost = "127.0.0.1";

    [Parameter("Database port as seen from this machine")]
    readonly int DatabasePort = 5432;

    [Parameter("Port PostgreSQL listens on inside the db container (used when --database-port is not published)")]
    readonly int DatabaseContainerPort = 5432;

    [Parameter("Database name")]
    readonly string DatabaseName = "nexplane";

    [Parameter("Database user")]
    readonly string DatabaseUser = "nexplane";

    [Parameter("Database password (default: read from the deployment's .env, see --database-password-variable)")]
    [Secret]
    readonly string? DatabasePassword;

    [Parameter("Variable in the deployment's .env that holds the database password")]
    readonly string DatabasePasswordVariable = "POSTGRES_PASSWORD";

    Deployment? _deployment;
    LiveDeployment? _live;

    /// <summary>The deployment this run acts on, as <see cref="ResolveDeployment"/> resolved it.</summary>
    Deployment Deployment => _deployment ?? throw DeploymentNotResolved();

    /// <summary>The deployment as the run acts on it, created with <see cref="Deployment"/>.</summary>
    LiveDeployment Live => _live ?? throw DeploymentNotResolved();

    /// <summary>
    /// The first action of every target that acts on a deployment (Agents reads its hosts file first), so it runs after
    /// the engine's checks (a missing --version), after Sandbox (which creates the sandbox's deployment), and inside the
    /// target, whose failure it is (not before any target: OnBuildInitialized would precede both).
    /// The first such target of a run resolves the deployment, printing where each value came from, and refuses every
    /// bad parameter at once before anything changes; the later ones find it resolved.
    /// </summary>
    void ResolveDeployment() => ResolveDeployment(StepParameterProblems);

    /// <summary>
    /// <see cref="ResolveDeployment()"/> for Status, Restore and Rollback: only the deployment's own parameters are
    /// checked, so a bad value of a step they do not run (a webhook URL, a wave size) never stands in the way of a
    /// rollback or a restore in an emergency, or of reading the status.
    /// </summary>
    void ResolveDeploymentAlone() => ResolveDeployment(() => new ParameterProblems());

    void ResolveDeployment(Func<ParameterProblems> problemsBefore)
    {
        if (_deployment is not null)
            return;
        var deployment = DeploymentFromParameters(problemsBefore());
        var login = new LoginAccount(LoginEmail, SecretFromEnvFile(LoginPassword, LoginPasswordVariable, DotEnvFile.Load(deployment.EnvFile)));
        _live = new LiveDeployment(deployment, new LiveDeploymentSettings
        {
            Timeouts = new StepTimeouts(StopTimeout, MigrationTimeout, HealthTimeout, StabilityWindow),
            Login = login,
            Agents = AgentSettings,
            Releases = Releases,
            BackupMode = BackupMode,
            ComposeCommand = ComposeCommand,
            RestoreJobs = RestoreJobs,
            Secrets = new SecretMask(SecretRedactor.Register, SecretRedactor.Redact),
            RunId = Run.Report.Id,
        }, Run.Output, Advice, Http, Commands);
        _deployment = deployment;
    }

    /// <summary>The project name compose v2 itself gives the deployment; not asked when the operator named the project.</summary>
    string? ComposeV2ProjectName(ComposeDocument compose, DotEnvFile envFile) =>
        string.IsNullOrWhiteSpace(ComposeProject)
            ? ComposeProjectName.AskComposeV2Async(Commands,
                new ComposeCli(ComposeVariant.V2, compose.Path, projectName: null, envFile.Path, new ProtectedServiceGuard(ProtectedServices, Advice)),
                CancellationToken.None).GetAwaiter().GetResult()
            : null;

    /// <summary>A target used the deployment without resolving it first: a mistake in build/, not in the operator's input.</summary>
    static InvalidOperationException DeploymentNotResolved() =>
        new("The deployment is not resolved: a target that acts on it starts with .Executes(ResolveDeployment).");

    /// <summary>Resolves the deployment, refusing (with <paramref name="problems"/> found before) every bad value at once.</summary>
    Deployment DeploymentFromParameters(ParameterProblems problems)
    {
        if (ComposeFile is not null && !File.Exists(ComposeFile))
            problems.Add($"The compose file {ComposeFile} does not exist. Pass the deployment's compose file with --compose-file.");
        else
            problems.ExistingFile("--compose-file", ComposeFile);
        var api = problems.HttpUrl("--api-url", ApiUrl, "http://127.0.0.1:8000 or https://nexplane.example.com/api");
        problems.ServiceNames("--app-services", AppServices);
        problems.ServiceNames("--protected-services", ProtectedServices, allowNone: true);
        problems.VersionEndpoints("--version-endpoints", VersionEndpoints);
        problems.Port("--database-port", DatabasePort);
        problems.Port("--database-container-port", DatabaseContainerPort);
        if (!string.IsNullOrWhiteSpace(FrontendVersionEndpoint))
            problems.VersionEndpoints("--frontend-version-endpoint", [FrontendVersionEndpoint]);
        var compose = File.Exists(ComposeFile) ? ComposeDocument.Load(ComposeFile!, Advice) : null;
        var composeServices = compose?.Services.Select(s => s.Name).ToArray() ?? [];
        // A frontend that is upgraded is checked at its address: an empty or malformed one must stop the run now,
        // not after the migration.
        var frontendUrl = AppServices.Contains(FrontendService) && (compose is null || composeServices.Contains(FrontendService))
            ? problems.HttpUrl("--frontend-url", FrontendUrl, "http://127.0.0.1:3000 or https://nexplane.example.com")
            : null;
        problems.ThrowIfAny();
        var envFile = DotEnvFile.Load(EnvFile ?? compose!.DefaultEnvFilePath);
        // The backend's own lines are relayed during its start-up: a traceback must not print the deployment's secrets.
        foreach (var secret in EnvFileSecrets.In(envFile))
            SecretRedactor.Register(secret);

        var deployment = new Deployment
        {
            ComposeFile = compose!.Path,
            EnvFile = envFile.Path,
            Project = ComposeProjectName.Resolve(ComposeProject, ParameterSource(nameof(ComposeProject)), compose, envFile, ComposeV2ProjectName(compose, envFile)),
            AppServices = AppServices,
            ProtectedServices = ProtectedServices,
            ComposeServices = composeServices,
            StopServices = StopServices,
            BackendService = BackendService,
            FrontendService = FrontendService,
            DatabaseService = DatabaseService,
            ApiUrl = api!,
            FrontendUrl = frontendUrl,
            VersionEndpoints = VersionEndpoints.Select(VersionEndpoint.Parse).ToArray(),
            FrontendVersionEndpoint = string.IsNullOrWhiteSpace(FrontendVersionEndpoint) ? null : VersionEndpoint.Parse(FrontendVersionEndpoint),
            Database = new DatabaseTarget(DatabaseHost, DatabasePort, DatabaseName, DatabaseUser,
                SecretFromEnvFile(DatabasePassword, DatabasePasswordVariable, envFile)),
            DatabaseHostNamed = ParameterOrigin(nameof(DatabaseHost)) is not null,
            DatabaseContainerPort = DatabaseContainerPort,
        };
        foreach (var line in deployment.Describe(ParameterSource))
            LogLine(line);
        return deployment;
    }

    /// <summary>"--compose-project from the command line", or "default" for a value nobody set.</summary>
    string ParameterSource(string parameter) => ParameterOrigin(parameter) is { } origin
        ? $"{ParameterFlag(parameter)} from {origin}"
        : parameter == nameof(EnvFile) ? "beside the compose file" : "default";

    /// <summary>A secret from a parameter, or else from the deployment's .env; never logged either way.</summary>
    static string? SecretFromEnvFile(string? parameterValue, string variable, DotEnvFile envFile)
    {
        var value = parameterValue ?? envFile[variable];
        if (!string.IsNullOrEmpty(value))
            SecretRedactor.Register(value);
        return value;
    }

    /// <summary>Where backups go: --backup-directory, else .nuke/temp/backups of this checkout.</summary>
    string BackupDirectoryPath => BackupDirectory ?? RootDirectory / ".nuke" / "temp" / "backups";
}
