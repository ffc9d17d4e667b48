using Nexplane.Upgrade.Operator;
using Nexplane.Upgrade.Processes;

namespace Nexplane.Upgrade.Database;

/// <summary>What a PostgreSQL client tool printed on stderr and how it exited.</summary>
public sealed record ToolResult(long ExitCode, string StandardError)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The last lines of stderr, enough to say what went wrong.</summary>
    public string ErrorTail => string.Join(" ", StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(5));
}

/// <summary>
/// pg_dump, pg_restore and psql where they can run: on this machine against the published port, or inside the db
/// container over its local socket. Archives always travel through stdin/stdout, so callers do not care which.
/// </summary>
public interface IPostgresTools
{
    BackupMode Mode { get; }

    /// <summary>Runs <paramref name="command"/> (program first) with the connection's environment plus <paramref name="environment"/>.</summary>
    Task<ToolResult> RunAsync(IReadOnlyList<string> command, IReadOnlyDictionary<string, string?> environment,
        Stream? standardOutput, Stream? standardInput, CancellationToken cancellationToken);

    /// <summary>e.g. "pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"; null when the tool is missing.</summary>
    Task<string?> VersionAsync(string tool, CancellationToken cancellationToken);
}

/// <summary>Picks where the client tools run, the same way for backups and restores.</summary>
public static class PostgresTools
{
    /// <summary>
    /// Host and Container are taken as asked. Auto prefers the host's tools when they are at least as new as the
    /// server (and as the tool that wrote the archive): an older pg_dump refuses a newer server, and an older
    /// pg_restore or psql cannot read a newer dump. Otherwise the container's own tools, which always match.
    /// </summary>
    public static async Task<IPostgresTools> ChooseAsync(
        BackupMode requested, DatabaseTarget database, string tool, int serverMajor, int? archiveToolMajor,
        ContainerExec? exec, string? containerId, ICommandRunner commands, Action<string> log, OperatorAdvice advice,
        CancellationToken cancellationToken)
    {
        var host = new HostPostgresTools(database, commands);
        IPostgresTools Container() => new ContainerPostgresTools(
            exec ?? throw new DatabaseToolsException("Running the PostgreSQL tools inside the db container needs the Docker engine."),
            containerId ?? throw new DatabaseToolsException(
                "The db container was not found, so the PostgreSQL tools cannot run inside it. Is the db service running? " +
                $"Check {advice.Flag(Setting.ComposeProject)} and {advice.Flag(Setting.DatabaseService)}."),
            database);

        switch (requested)
        {
            case BackupMode.Host:
                return host;
            case BackupMode.Container:
                return Container();
        }

        var hostMajor = MajorVersion(await host.VersionAsync(tool, cancellationToken));
        var needed = Math.Max(serverMajor, archiveToolMajor ?? 0);
        if (hostMajor >= needed)
            return host;
        if (containerId is null || exec is null)
            throw new DatabaseToolsException(hostMajor is null
                ? $"{tool} is not installed on this machine and the db container was not found; install the PostgreSQL client tools (version {needed} or newer)."
                : $"This machine's {tool} {hostMajor} is older than PostgreSQL {needed} and the db container was not found; install client tools {needed} or newer.");
        log(hostMajor is null
            ? $"No {tool} on this machine: running it inside the db container."
            : $"This machine's {tool} {hostMajor} is older than PostgreSQL {needed}: running it inside the db container.");
        return Container();
    }

    /// <summary>The major version in a "--version" line such as "pg_dump (PostgreSQL) 16.4"; null when absent.</summary>
    public static int? MajorVersion(string? versionLine)
    {
        if (versionLine is null)
            return null;
        var match = System.Text.RegularExpressions.Regex.Match(versionLine, @"\(PostgreSQL\)\s+(?<major>\d+)");
        return match.Success ? int.Parse(match.Groups["major"].Value) : null;
    }
}

/// <summary>The PostgreSQL client tools cannot be run where they are needed.</summary>
public sealed class DatabaseToolsException(string message) : Exception(message);
