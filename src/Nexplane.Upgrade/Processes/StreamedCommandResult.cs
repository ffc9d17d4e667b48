namespace Nexplane.Upgrade.Processes;

/// <summary>The outcome of a command run with <see cref="CommandStreams"/>: its exit code and its stderr as printed.</summary>
public sealed record StreamedCommandResult(int ExitCode, string StandardError)
{
    public bool Succeeded => ExitCode == 0;
}
