namespace Nexplane.Upgrade.Processes;

/// <summary>
/// Runs external commands. One instance runs them all in production (<see cref="CliWrapCommandRunner"/>); a unit test
/// passes a recording one and compares the commands a class would run as data, with no process started.
/// </summary>
public interface ICommandRunner
{
    /// <summary>
    /// Runs <paramref name="command"/>, streaming each output line to the caller as it arrives and keeping all lines
    /// for the result. Throws <see cref="CommandNotStartedException"/> when the program cannot be started.
    /// </summary>
    Task<CommandResult> RunAsync(
        CommandLine command,
        Action<string>? onStandardOutput = null,
        Action<string>? onStandardError = null,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs a command whose standard streams carry bytes (an archive, a file), not lines: <paramref name="streams"/>
    /// feeds its stdin and reads its stdout; its stderr comes back as text.
    /// </summary>
    Task<StreamedCommandResult> RunStreamingAsync(CommandLine command, CommandStreams streams, CancellationToken cancellationToken);

    /// <summary>Runs the command and throws, with its last error lines, when it exits non-zero.</summary>
    async Task<CommandResult> RunCheckedAsync(
        CommandLine command,
        Action<string>? onStandardOutput = null,
        Action<string>? onStandardError = null,
        CancellationToken cancellationToken = default)
    {
        var result = await RunAsync(command, onStandardOutput, onStandardError, cancellationToken);
        if (!result.Succeeded)
        {
            var tail = string.Join(Environment.NewLine, result.StandardError.TakeLast(10));
            throw new CommandFailedException(command, result.ExitCode, tail);
        }
        return result;
    }
}
