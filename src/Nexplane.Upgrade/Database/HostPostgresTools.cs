using Nexplane.Upgrade.Processes;

namespace Nexplane.Upgrade.Database;

/// <summary>The client tools installed on this machine, reaching the database over TCP; the password travels in PGPASSWORD.</summary>
public sealed class HostPostgresTools(DatabaseTarget database, ICommandRunner commands) : IPostgresTools
{
    public BackupMode Mode => BackupMode.Host;

    /// <summary>The command as it runs here: program first, the connection's environment plus <paramref name="environment"/>.</summary>
    CommandLine Command(IReadOnlyList<string> command, IReadOnlyDictionary<string, string?> environment)
    {
        var variables = new Dictionary<string, string?>(database.LibpqEnvironment);
        foreach (var (name, value) in environment)
            variables[name] = value;
        return new CommandLine(command[0], command.Skip(1).ToArray()) { Environment = variables };
    }

    public async Task<ToolResult> RunAsync(IReadOnlyList<string> command, IReadOnlyDictionary<string, string?> environment,
        Stream? standardOutput, Stream? standardInput, CancellationToken cancellationToken)
    {
        try
        {
            var result = await commands.RunStreamingAsync(Command(command, environment), CommandStreams.To(standardOutput, standardInput), cancellationToken);
            return new ToolResult(result.ExitCode, result.StandardError);
        }
        catch (CommandNotStartedException exception)
        {
            throw new DatabaseToolsException($"{command[0]} cannot be started on this machine ({exception.Message}); install the PostgreSQL client tools.");
        }
    }

    public async Task<string?> VersionAsync(string tool, CancellationToken cancellationToken)
    {
        try
        {
            var result = await commands.RunAsync(PgDumpCommands.HostToolVersion(tool), cancellationToken: cancellationToken);
            return result.Succeeded ? result.StandardOutput.FirstOrDefault()?.Trim() : null;
        }
        catch (CommandNotStartedException)
        {
            return null;
        }
    }
}
