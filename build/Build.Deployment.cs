using Nexplane.Upgrade.Compose;
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

    string ComposeFilePath => ComposeFile ?? throw new InvalidOperationException("--compose-file is required.");

    string EnvFilePath => EnvFile ?? Path.Combine(Path.GetDirectoryName(ComposeFilePath) ?? ".", ".env");

    Uri ApiUri => Uri.TryCreate(ApiUrl, UriKind.Absolute, out var uri)
        ? uri
        : throw new InvalidOperationException($"--api-url '{ApiUrl}' is not an absolute URL such as http://127.0.0.1:8000.");

    /// <summary>A secret from a parameter, or else from the deployment's .env; never logged either way.</summary>
    string? SecretFromDeployment(string? parameterValue, string variable)
    {
        var value = parameterValue ?? Nexplane.Upgrade.Compose.EnvFile.Load(EnvFilePath)[variable];
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
        async cancellationToken =>
        {
            try
            {
                return await (await ContainersAsync(cancellationToken)).AddressOfAsync(DatabaseService, cancellationToken);
            }
            catch (DockerUnavailableException)
            {
                return null;
            }
        },
        DatabaseContainerPort,
        line => Log.Information("{Line}", line),
        CancellationToken).GetAwaiter().GetResult();
}
