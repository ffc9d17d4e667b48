using System.Text;
using CliWrap;

namespace Nexplane.Upgrade.Processes;

/// <summary>The outcome of a finished command: its exit code and the output lines it printed.</summary>
public sealed record CommandResult(int ExitCode, IReadOnlyList<string> StandardOutput, IReadOnlyList<string> StandardError)
{
    public bool Succeeded => ExitCode == 0;
}

/// <summary>
/// Runs a <see cref="CommandLine"/> with CliWrap (argument arrays, never a shell string), streaming each output
/// line to the caller as it arrives and keeping all lines for the result.
/// </summary>
public static class CommandRunner
{
    public static async Task<CommandResult> RunAsync(
        CommandLine command,
        Action<string>? onStandardOutput = null,
        Action<string>? onStandardError = null,
        CancellationToken cancellationToken = default)
    {
        var standardOutput = new List<string>();
        var standardError = new List<string>();

        var cli = Cli.Wrap(command.Program)
            .WithArguments(command.Arguments)
            .WithEnvironmentVariables(command.Environment)
            .WithValidation(CommandResultValidation.None)
            .WithStandardOutputPipe(PipeTarget.ToDelegate(line => Record(standardOutput, line, onStandardOutput), Encoding.UTF8))
            .WithStandardErrorPipe(PipeTarget.ToDelegate(line => Record(standardError, line, onStandardError), Encoding.UTF8));
        if (command.WorkingDirectory is not null)
            cli = cli.WithWorkingDirectory(command.WorkingDirectory);

        var result = await cli.ExecuteAsync(cancellationToken);
        lock (standardOutput)
        lock (standardError)
            return new CommandResult(result.ExitCode, standardOutput.ToArray(), standardError.ToArray());
    }

    /// <summary>Runs the command and throws, with its last error lines, when it exits non-zero.</summary>
    public static async Task<CommandResult> RunCheckedAsync(
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

    static void Record(List<string> lines, string line, Action<string>? onLine)
    {
        lock (lines)
            lines.Add(line);
        onLine?.Invoke(line);
    }
}

/// <summary>A command exited non-zero. The message names the command and its last error output.</summary>
public sealed class CommandFailedException(CommandLine command, int exitCode, string errorTail)
    : Exception($"'{command}' exited with code {exitCode}." + (errorTail.Length > 0 ? Environment.NewLine + errorTail : ""))
{
    public CommandLine Command { get; } = command;
    public int ExitCode { get; } = exitCode;
}
