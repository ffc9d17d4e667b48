namespace Nexplane.Upgrade.Agents;

/// <summary>What a remote command printed and how it exited.</summary>
public sealed record RemoteResult(int ExitCode, string Output, string Error)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The error output, else the output, trimmed, for messages.</summary>
    public string Explanation => (string.IsNullOrWhiteSpace(Error) ? Output : Error).Trim() is { Length: > 0 } text ? text : $"exit code {ExitCode}";
}

/// <summary>A POSIX shell on an agent host: over SSH, or on this machine for a local host.</summary>
public interface IAgentHostShell : IAsyncDisposable
{
    Task<RemoteResult> RunAsync(string command, CancellationToken cancellationToken);

    /// <summary>Runs a command with <paramref name="input"/> as its standard input (how files are uploaded: <c>cat &gt; file</c>).</summary>
    Task<RemoteResult> RunWithInputAsync(string command, Stream input, CancellationToken cancellationToken);
}

/// <summary>Opens a shell on a host; fails with <see cref="AgentHostConnectionException"/> when it cannot.</summary>
public delegate Task<IAgentHostShell> AgentHostConnector(AgentHost host, CancellationToken cancellationToken);

/// <summary>A host could not be reached or did not prove its identity; nothing was done on it.</summary>
public sealed class AgentHostConnectionException(string message, Exception? inner = null) : Exception(message, inner);
