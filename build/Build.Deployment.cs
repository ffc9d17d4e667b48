using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Deployments;
using Nexplane.Upgrade.Database;
using Serilog;
using Nuke.Common;

/// <summary>
/// The deployment the parameters describe, shared by the runbook's steps: its compose and .env files, its
/// database, and the secrets read from its .env (registered for redaction the moment they are read).
/// </summary>
partial class Build
{
    static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(15) };

    Deployment? _deployment;

    /// <summary>The deployment this run acts on, resolved (and printed with where each value came from) once per run.</summary>
    Deployment Deployment => _deployment ??= ResolveDeployment(new ParameterProblems());

    string ComposeFilePath => Deployment.ComposeFile;

    string EnvFilePath => Deployment.EnvFile;

    Uri ApiUri => Deployment.ApiUrl;

    /// <summary>Resolves the deployment, refusing (with <paramref name="problems"/> found before) every bad value at once.</summary>
    Deployment ResolveDeployment(ParameterProblems problems)
    {
        if (ComposeFile is not null && !File.Exists(ComposeFile))
            problems.Add($"The compose file {ComposeFile} does not exist. Pass the deployment's compose file with --compose-file.");
        else
            problems.ExistingFile("--compose-file", ComposeFile);
        var api = problems.HttpUrl("--api-url", ApiUrl, "http://127.0.0.1:8000 or https://nexplane.example.com/api");
        problems.ServiceNames("--app-services", AppServices);
        problems.ServiceNames("--protected-services", ProtectedServices, allowNone: true);
        problems.VersionEndpoints("--version-endpoints", VersionEndpoints);
        var compose = File.Exists(ComposeFile) ? ComposeDocument.Load(ComposeFile!) : null;
        var composeServices = compose?.Services.Select(s => s.Name).ToArray() ?? [];
        // A frontend that is upgraded is checked at its address: an empty or malformed one must stop the run now,
        // not after the migration.
        var frontendUrl = AppServices.Contains(FrontendService) && (compose is null || composeServices.Contains(FrontendService))
            ? problems.HttpUrl("--frontend-url", FrontendUrl, "http://127.0.0.1:3000 or https://nexplane.example.com")
            : null;
        problems.ThrowIfAny();
        var envFile = DotEnvFile.Load(EnvFile ?? compose!.DefaultEnvFilePath);

        var deployment = new Deployment
        {
            ComposeFile = compose!.Path,
            EnvFile = envFile.Path,
            Project = ComposeProjectName.Resolve(ComposeProject, ParameterSource(nameof(ComposeProject)), compose, envFile),
            AppServices = AppServices,
            ProtectedServices = ProtectedServices,
            ComposeServices = composeServices,
            ApiUrl = api!,
            FrontendUrl = frontendUrl,
            VersionEndpoints = VersionEndpoints.Select(VersionEndpoint.Parse).ToArray(),
        };
        foreach (var line in deployment.Describe(ParameterSource))
            LogLine(line);
        return deployment;
    }

    /// <summary>"--compose-project from the command line", or "default" for a value nobody set.</summary>
    string ParameterSource(string parameter) => ParameterOrigin(parameter) is { } origin
        ? $"{ParameterFlag(parameter)} from {origin}"
        : parameter == nameof(EnvFile) ? "beside the compose file" : "default";

    /// <summary>The command-line spelling of a parameter: ComposeProject -> --compose-project.</summary>
    static string ParameterFlag(string parameter) =>
        "--" + string.Concat(parameter.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    /// <summary>A secret from a parameter, or else from the deployment's .env; never logged either way.</summary>
    string? SecretFromDeployment(string? parameterValue, string variable)
    {
        var value = parameterValue ?? DotEnvFile.Load(EnvFilePath)[variable];
        if (!string.IsNullOrEmpty(value))
            SecretRedactor.Register(value);
        return value;
    }

    /// <summary>Where backups go: --backup-directory, else .nuke/temp/backups of this checkout.</summary>
    string BackupDirectoryPath => BackupDirectory ?? RootDirectory / ".nuke" / "temp" / "backups";

    DatabaseTarget? _databaseTarget;

    /// <summary>
    /// The database as this machine reaches it: --database-host/--database-port when they answer, else (a port the
    /// compose file does not publish) the db container's own address. Resolved once per run.
    /// </summary>
    DatabaseTarget DatabaseTarget => _databaseTarget ??= DatabaseAddressResolver.ResolveAsync(
        new DatabaseTarget(DatabaseHost, DatabasePort, DatabaseName, DatabaseUser, SecretFromDeployment(DatabasePassword, DatabasePasswordVariable)),
        hostNamedExplicitly: ParameterOrigin(nameof(DatabaseHost)) is not null,
        async cancellationToken =>
        {
            try
            {
                return await (await ContainersAsync(cancellationToken)).EndpointOfAsync(DatabaseService, DatabaseContainerPort, cancellationToken);
            }
            catch (DockerUnavailableException)
            {
                return null;
            }
        },
        DatabaseContainerPort,
        LogLine,
        CancellationToken).GetAwaiter().GetResult();
}
