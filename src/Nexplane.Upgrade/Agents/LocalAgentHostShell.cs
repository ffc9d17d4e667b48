using System.Text;
using CliWrap;

namespace Nexplane.Upgrade.Agents;

/// <summary>
/// A shell on the machine the tool runs on, for an agent that runs on the Docker host itself ("connection": "local"
/// in the agent hosts file). The same commands as over SSH, run by <c>/bin/sh -c</c>; <c>sudo: true</c> works the
/// same way when the tool does not run as root.
/// </summary>
public sealed class LocalAgentHostShell : IAgentHostShell
{
    public async Task<RemoteResult> RunAsync(string command, CancellationToken cancellationToken) =>
        await RunAsync(command, PipeSource.Null, cancellationToken);

    public async Task<RemoteResult> RunWithInputAsync(string command, Stream input, CancellationToken cancellationToken) =>
        await RunAsync(command, PipeSource.FromStream(input), cancellationToken);

    static async Task<RemoteResult> RunAsync(string command, PipeSource input, CancellationToken cancellationToken)
    {
        var output = new StringBuilder();
        var error = new StringBuilder();
        var result = await Cli.Wrap("/bin/sh")
            .WithArguments(["-c", command])
            .WithValidation(CommandResultValidation.None)
            .WithStandardInputPipe(input)
            .WithStandardOutputPipe(PipeTarget.ToStringBuilder(output))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(error))
            .ExecuteAsync(cancellationToken);
        return new RemoteResult(result.ExitCode, output.ToString(), error.ToString());
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
