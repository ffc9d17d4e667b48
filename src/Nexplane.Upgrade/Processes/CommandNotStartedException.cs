namespace Nexplane.Upgrade.Processes;

/// <summary>
/// The program could not be started (missing, not executable, no such working directory). The message is the
/// process library's own, unchanged, so callers that quote it say what they said before the runner was injected.
/// </summary>
public sealed class CommandNotStartedException(CommandLine command, Exception cause) : Exception(cause.Message, cause)
{
    public CommandLine Command { get; } = command;
}
