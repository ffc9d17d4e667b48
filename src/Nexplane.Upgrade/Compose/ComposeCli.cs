using Nexplane.Upgrade.Processes;

namespace Nexplane.Upgrade.Compose;

/// <summary>
/// The docker compose CLI for one deployment, as commands built as data. Compose v2 (<c>docker compose</c>) is
/// preferred and v1 (<c>docker-compose</c>) is the fallback; compose's semantics are never re-implemented here.
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

    /// <summary><c>stop</c> with a timeout: stops exactly these services.</summary>
    CommandLine Command(IEnumerable<string> arguments) =>
        new(_baseCommand[0], [.. _baseCommand.Skip(1), .. arguments]) { WorkingDirectory = WorkingDirectory };

    /// <summary>Finds the compose CLI on this machine: v2 when <c>docker compose version</c> works, else v1.</summary>
    public static async Task<ComposeVariant> DetectAsync(ICommandRunner commands, CancellationToken cancellationToken)
    {
        if (await Succeeds(commands, new CommandLine("docker", "compose", "version"), cancellationToken))
            return ComposeVariant.V2;
        if (await Succeeds(commands, new CommandLine("docker-compose", "version"), cancellationToken))
            return ComposeVariant.V1;
        throw new ComposeFileException(
            "Neither 'docker compose' (v2) nor 'docker-compose' (v1) works on this machine; install one of them.");
    }

    static async Task<bool> Succeeds(ICommandRunner commands, CommandLine command, CancellationToken cancellationToken)
    {
        try
        {
            return (await commands.RunAsync(command, cancellationToken: cancellationToken)).Succeeded;
        }
        catch (CommandNotStartedException)
        {
            return false;
        }
    }
}

public enum ComposeVariant { V2, V1 }
