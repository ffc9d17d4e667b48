using System.Text;
using CliWrap;

namespace Nexplane.Upgrade.Processes;

/// <summary>
/// Runs a <see cref="CommandLine"/> with CliWrap (argument arrays, never a shell string). The one production
/// <see cref="ICommandRunner"/>: the build creates it once and hands it to every class that runs a command.
/// </summary>
public sealed class CliWrapCommandRunner : ICommandRunner
{
    public async Task<CommandResult> RunAsync(
        CommandLine command,
        Action<string>? onStandardOutput = null,
        Action<string>? onStandardError = null,
        CancellationToken cancellationToken = default)
    {
        var standardOutput = new List<string>();
        var standardError = new List<string>();

        var cli = Wrap(command)
            .WithStandardInputPipe(command.StandardInput is null ? PipeSource.Null : PipeSource.FromString(command.StandardInput))
            .WithStandardOutputPipe(PipeTarget.ToDelegate(line => Record(standardOutput, line, onStandardOutput), Encoding.UTF8))
            .WithStandardErrorPipe(PipeTarget.ToDelegate(line => Record(standardError, line, onStandardError), Encoding.UTF8));

        var result = await ExecuteAsync(command, cli, cancellationToken);
        lock (standardOutput)
        lock (standardError)
            return new CommandResult(result.ExitCode, standardOutput.ToArray(), standardError.ToArray());
    }

    public async Task<StreamedCommandResult> RunStreamingAsync(CommandLine command, CommandStreams streams, CancellationToken cancellationToken)
    {
        var standardError = new StringBuilder();
        var cli = Wrap(command)
            .WithStandardInputPipe(streams.Input is not null ? BlockingPipes.FromStream(streams.Input)
                : command.StandardInput is not null ? PipeSource.FromString(command.StandardInput)
                : PipeSource.Null)
            .WithStandardOutputPipe(streams.ReadOutput is null ? PipeTarget.Null : BlockingPipes.ToReader(streams.ReadOutput))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(standardError));
        var result = await ExecuteAsync(command, cli, cancellationToken);
        return new StreamedCommandResult(result.ExitCode, standardError.ToString());
    }

    static Command Wrap(CommandLine command)
    {
        var cli = Cli.Wrap(command.Program)
            .WithArguments(command.Arguments)
            .WithEnvironmentVariables(command.Environment)
            .WithValidation(CommandResultValidation.None);
        return command.WorkingDirectory is null ? cli : cli.WithWorkingDirectory(command.WorkingDirectory);
    }

    static async Task<CliWrap.CommandResult> ExecuteAsync(CommandLine command, Command cli, CancellationToken cancellationToken)
    {
        try
        {
            return await cli.ExecuteAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is System.ComponentModel.Win32Exception or CliWrap.Exceptions.CliWrapException)
        {
            throw new CommandNotStartedException(command, exception);
        }
    }

    static void Record(List<string> lines, string line, Action<string>? onLine)
    {
        lock (lines)
            lines.Add(line);
        onLine?.Invoke(line);
    }
}
