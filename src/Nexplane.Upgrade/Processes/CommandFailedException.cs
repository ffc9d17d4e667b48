namespace Nexplane.Upgrade.Processes;

/// <summary>A command exited non-zero. The message names the command and its last error output.</summary>
public sealed class CommandFailedException(CommandLine command, int exitCode, string errorTail)
    : Exception($"'{command}' exited with code {exitCode}." + (errorTail.Length > 0 ? Environment.NewLine + errorTail : ""))
{
    public CommandLine Command { get; } = command;
    public int ExitCode { get; } = exitCode;
}
