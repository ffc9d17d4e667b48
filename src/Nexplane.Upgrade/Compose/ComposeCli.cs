using Nexplane.Upgrade.Processes;

namespace Nexplane.Upgrade.Compose;

/// <summary>
/// The docker compose CLI for one deployment, as commands built as data. Compose v2 (<c>docker compose</c>) is
/// preferred and v1 (<c>docker-compose</c>) is the fallback (<see cref="ComposeSelection"/> says when v1 is kept);
/// compose's semantics are never re-implemented here.
/// Every command that stops, starts or recreates services refuses the protected services (db, redis).
/// </summary>
public sealed class ComposeCli
{
    readonly IReadOnlyList<string> _baseCommand;

    public ComposeCli(ComposeVariant variant, string composeFile, string? projectName, string? envFile, ProtectedServiceGuard protectedServices)
    {
        Variant = variant;
        ComposeFile = composeFile;
        Protected = protectedServices;
        var prefix = variant == ComposeVariant.V2 ? new[] { "docker", "compose" } : new[] { "docker-compose" };
        var options = new List<string> { "--file", composeFile };
        if (!string.IsNullOrEmpty(projectName))
            options.AddRange(["--project-name", projectName]);
        if (!string.IsNullOrEmpty(envFile))
            options.AddRange(["--env-file", envFile]);
        _baseCommand = [.. prefix, .. options];
    }

    public ComposeVariant Variant { get; }

    public string ComposeFile { get; }

    public ProtectedServiceGuard Protected { get; }

    string WorkingDirectory => Path.GetDirectoryName(ComposeFile) ?? ".";

    /// <summary><c>up -d --no-deps</c>: (re)creates exactly these services, never their dependencies.</summary>
    public CommandLine Up(IReadOnlyCollection<string> services) =>
        Command(["up", "-d", "--no-deps", .. Protected.Refuse(services, "start or recreate")]);

    /// <summary>
    /// <c>config</c>: the compose file as compose resolves it (interpolated, env_file merged). Read-only; its output
    /// holds the deployment's secrets, so it is parsed, never logged.
    /// </summary>
    public CommandLine Config() => Command(["config"]);

    /// <summary>
    /// <c>config --no-interpolate --format json</c>, compose v2 only: the model with compose's own project name, read
    /// without interpolating the deployment's values.
    /// </summary>
    public CommandLine ModelWithoutValues() => Variant == ComposeVariant.V2
        ? Command(["config", "--no-interpolate", "--format", "json"])
        : throw new InvalidOperationException("docker-compose v1 has no JSON model with the project name; ask v2.");

    CommandLine Command(IEnumerable<string> arguments) =>
        new(_baseCommand[0], [.. _baseCommand.Skip(1), .. arguments]) { WorkingDirectory = WorkingDirectory };

    /// <summary>
    /// Whether a compose CLI works on this machine: <c>docker compose version</c> succeeds, or <c>docker-compose version
    /// --short</c> prints a 1.x version (many installs put the standalone v2 binary under that name, and it would rename
    /// the containers it recreates just as the plugin does).
    /// </summary>
    public static async Task<bool> WorksAsync(ICommandRunner commands, ComposeVariant variant, CancellationToken cancellationToken)
    {
        try
        {
            if (variant == ComposeVariant.V2)
                return (await commands.RunAsync(new CommandLine("docker", "compose", "version"), cancellationToken: cancellationToken)).Succeeded;
            var v1 = await commands.RunAsync(new CommandLine("docker-compose", "version", "--short"), cancellationToken: cancellationToken);
            return v1.Succeeded && v1.StandardOutput.FirstOrDefault()?.Trim().StartsWith("1.", StringComparison.Ordinal) == true;
        }
        catch (CommandNotStartedException)
        {
            return false;
        }
    }

    /// <summary>
    /// The compose CLI for a deployment (<see cref="ComposeSelection"/>): the operator's <paramref name="requested"/> one,
    /// else the one that created its containers while installed, else v2, else v1.
    /// </summary>
    public static Task<ComposeChoice> ChooseAsync(ICommandRunner commands, ComposeCommand requested, string? createdBy, string flag,
        CancellationToken cancellationToken) =>
        ComposeSelection.ChooseAsync(requested, createdBy, variant => WorksAsync(commands, variant, cancellationToken), flag);
}

public enum ComposeVariant { V2, V1 }
