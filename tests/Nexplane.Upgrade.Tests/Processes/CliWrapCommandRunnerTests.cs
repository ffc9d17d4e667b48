using System.Security.Cryptography;
using Nexplane.Upgrade.Processes;

namespace Nexplane.Upgrade.Tests.Processes;

/// <summary>The production runner, with real processes: what every command of the tool goes through.</summary>
public sealed class CliWrapCommandRunnerTests
{
    readonly ICommandRunner _runner = new CliWrapCommandRunner();

    [Fact]
    public async Task Lines_are_streamed_as_they_come_and_kept_and_the_environment_and_stdin_reach_the_program()
    {
        var streamed = new List<string>();
        var command = new CommandLine("sh", "-c", "read -r registry; echo \"$registry|$SECRET\"; echo warning >&2; exit 3")
        {
            Environment = new Dictionary<string, string?> { ["SECRET"] = "s3cret" },
            StandardInput = "ghcr.io\n",
        };

        var result = await _runner.RunAsync(command, streamed.Add, streamed.Add);

        Assert.Equal(3, result.ExitCode);
        Assert.Equal(["ghcr.io|s3cret"], result.StandardOutput);
        Assert.Equal(["warning"], result.StandardError);
        Assert.Equal(["ghcr.io|s3cret", "warning"], streamed.Order());
    }

    [Fact]
    public async Task Run_checked_names_the_command_and_its_last_error_lines_when_it_fails()
    {
        var failed = await Assert.ThrowsAsync<CommandFailedException>(() =>
            _runner.RunCheckedAsync(new CommandLine("sh", "-c", "echo broken >&2; exit 2")));

        Assert.Equal(2, failed.ExitCode);
        Assert.Equal($"'sh -c 'echo broken >&2; exit 2'' exited with code 2.{Environment.NewLine}broken", failed.Message);
    }

    [Fact]
    public async Task Bytes_go_in_and_come_out_whole_and_stderr_comes_back_as_printed()
    {
        var payload = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 7);
        using var output = new MemoryStream();

        var result = await _runner.RunStreamingAsync(new CommandLine("sh", "-c", "cat; printf 'done\\n' >&2"),
            CommandStreams.To(output, new MemoryStream(payload)), CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Equal("done\n", result.StandardError);
        Assert.Equal(payload, output.ToArray());
    }

    [Fact]
    public async Task A_program_that_does_not_exist_is_a_command_not_started()
    {
        var command = new CommandLine("nexplane-no-such-program", "--version");

        var refused = await Assert.ThrowsAsync<CommandNotStartedException>(() => _runner.RunAsync(command));
        await Assert.ThrowsAsync<CommandNotStartedException>(() => _runner.RunStreamingAsync(command, CommandStreams.None, CancellationToken.None));

        Assert.Same(command, refused.Command);
        Assert.Equal(refused.InnerException!.Message, refused.Message);
    }
}
