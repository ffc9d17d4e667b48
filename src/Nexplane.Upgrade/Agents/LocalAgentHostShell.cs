using System.Text;
using Nexplane.Upgrade.Processes;

namespace Nexplane.Upgrade.Agents;

/// <summary>
/// A shell on the machine the tool runs on, for an agent that runs on the Docker host itself ("connection": "local"
/// in the agent hosts file). The same commands as over SSH, run by <c>/bin/sh -c</c>; <c>sudo: true</c> works the
/// same way when the tool does not run as root.
/// </summary>
public sealed class LocalAgentHostShell(ICommandRunner commands) : IAgentHostShell
{
    static CommandLine Shell(string command) => new("/bin/sh", "-c", command);

    public async Task<RemoteResult> RunAsync(string command, CancellationToken cancellationToken) =>
        await RunAsync(command, null, cancellationToken);

    public async Task<RemoteResult> RunWithInputAsync(string command, Stream input, CancellationToken cancellationToken) =>
        await RunAsync(command, input, cancellationToken);

    async Task<RemoteResult> RunAsync(string command, Stream? input, CancellationToken cancellationToken)
    {
        using var output = new MemoryStream();
        var result = await commands.RunStreamingAsync(Shell(command), CommandStreams.To(output, input), cancellationToken);
        return new RemoteResult(result.ExitCode, Encoding.UTF8.GetString(output.ToArray()), result.StandardError);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
