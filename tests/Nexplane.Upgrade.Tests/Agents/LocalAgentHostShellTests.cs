using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Tests.Operator;
using Nexplane.Upgrade.Processes;
using Nexplane.Upgrade.Tests.Processes;

namespace Nexplane.Upgrade.Tests.Agents;

/// <summary>The shell for an agent on the tool's own machine: the same contract as over SSH, through a real /bin/sh.</summary>
public sealed class LocalAgentHostShellTests : IDisposable
{
    readonly string _directory = Directory.CreateTempSubdirectory("local-agent-shell-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Runs_a_command_and_returns_its_exit_code_output_and_error()
    {
        await using IAgentHostShell shell = new LocalAgentHostShell(new CliWrapCommandRunner());

        var result = await shell.RunAsync("echo out; echo err >&2; exit 3", CancellationToken.None);

        Assert.Equal((3, "out\n", "err\n"), (result.ExitCode, result.Output, result.Error));
        Assert.False(result.Succeeded);
        Assert.Equal("err", result.Explanation);
    }

    [Fact]
    public async Task Uploads_a_file_through_standard_input_byte_for_byte()
    {
        var target = Path.Combine(_directory, "it's a binary");
        var content = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7)).ToArray();
        await using IAgentHostShell shell = new LocalAgentHostShell(new CliWrapCommandRunner());

        var result = await shell.RunWithInputAsync($"cat > {ShellQuoting.Quote(target)}", new MemoryStream(content), CancellationToken.None);

        Assert.True(result.Succeeded, result.Explanation);
        Assert.Equal(content, await File.ReadAllBytesAsync(target));
    }

    [Fact]
    public async Task The_connector_opens_a_local_shell_for_a_local_host_without_SSH()
    {
        var host = new AgentHost { Name = "docker-host", Local = true, Platform = AgentPlatform.LinuxAmd64 };
        var connect = AgentHostShells.Connector(sshKeyPassphrase: null, sshTimeout: TimeSpan.FromSeconds(1), new CliWrapCommandRunner(), TestAdvice.Nuke);

        await using var shell = await connect(host, CancellationToken.None);
        var machine = await AgentHostCommands.DetectPlatformAsync(shell, CancellationToken.None);

        Assert.IsType<LocalAgentHostShell>(shell);
        var thisMachine = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.Arm64
            ? AgentPlatform.LinuxArm64
            : AgentPlatform.LinuxAmd64;
        Assert.Equal(thisMachine, machine.Platform);
    }

    [Fact]
    public async Task A_command_is_one_sh_dash_c_argument_and_an_upload_goes_in_on_stdin()
    {
        var commands = new RecordingCommandRunner(_ => new CommandAnswer(StandardOutput: "ok\n"));
        await using IAgentHostShell shell = new LocalAgentHostShell(commands);

        var result = await shell.RunWithInputAsync("cat > '/opt/agent/bin'", new MemoryStream([1, 2, 3]), CancellationToken.None);

        Assert.Equal((0, "ok\n"), (result.ExitCode, result.Output));
        var command = Assert.Single(commands.Commands);
        Assert.Equal("/bin/sh", command.Program);
        Assert.Equal(["-c", "cat > '/opt/agent/bin'"], command.Arguments);
        Assert.Equal(new byte[] { 1, 2, 3 }, commands.Inputs[0]);
    }
}
