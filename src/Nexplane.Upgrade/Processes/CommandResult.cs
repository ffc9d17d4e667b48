namespace Nexplane.Upgrade.Processes;

/// <summary>The outcome of a finished command: its exit code and the output lines it printed.</summary>
public sealed record CommandResult(int ExitCode, IReadOnlyList<string> StandardOutput, IReadOnlyList<string> StandardError)
{
    public bool Succeeded => ExitCode == 0;
}
