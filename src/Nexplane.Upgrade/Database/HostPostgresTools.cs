using System.Text;
using CliWrap;
using Nexplane.Upgrade.Processes;

namespace Nexplane.Upgrade.Database;

/// <summary>The client tools installed on this machine, reaching the database over TCP; the password travels in PGPASSWORD.</summary>
public sealed class HostPostgresTools(DatabaseTarget database) : IPostgresTools
{
    public BackupMode Mode => BackupMode.Host;

    public async Task<ToolResult> RunAsync(IReadOnlyList<string> command, IReadOnlyDictionary<string, string?> environment,
        Stream? standardOutput, Stream? standardInput, CancellationToken cancellationToken)
    {
        var variables = new Dictionary<string, string?>(database.LibpqEnvironment);
        foreach (var (name, value) in environment)
            variables[name] = value;
        var standardError = new StringBuilder();
        try
        {
            var result = await Cli.Wrap(command[0])
                .WithArguments(command.Skip(1))
                .WithEnvironmentVariables(variables)
                .WithValidation(CommandResultValidation.None)
                .WithStandardInputPipe(standardInput is null ? PipeSource.Null : BlockingPipes.FromStream(standardInput))
                .WithStandardOutputPipe(standardOutput is null ? PipeTarget.Null : BlockingPipes.ToStream(standardOutput))
                .WithStandardErrorPipe(PipeTarget.ToStringBuilder(standardError))
                .ExecuteAsync(cancellationToken);
            return new ToolResult(result.ExitCode, standardError.ToString());
        }
        catch (Exception exception) when (exception is System.ComponentModel.Win32Exception or CliWrap.Exceptions.CliWrapException)
        {
            throw new DatabaseToolsException($"{command[0]} cannot be started on this machine ({exception.Message}); install the PostgreSQL client tools.");
        }
    }

    public async Task<string?> VersionAsync(string tool, CancellationToken cancellationToken)
    {
        try
        {
            var result = await CommandRunner.RunAsync(PgDumpCommands.HostToolVersion(tool), cancellationToken: cancellationToken);
            return result.Succeeded ? result.StandardOutput.FirstOrDefault()?.Trim() : null;
        }
        catch (Exception exception) when (exception is System.ComponentModel.Win32Exception or CliWrap.Exceptions.CliWrapException)
        {
            return null;
        }
    }
}
