using System.Security.Cryptography;
using CliWrap;
using Nexplane.Upgrade.Processes;

namespace Nexplane.Upgrade.Tests.Processes;

public class BlockingPipesTests
{
    static readonly byte[] Payload = RandomNumberGenerator.GetBytes(5 * 1024 * 1024 + 123);

    [Fact]
    public async Task Stdin_fed_from_a_stream_and_stdout_copied_to_a_stream_arrive_whole_and_in_order()
    {
        var output = new MemoryStream();

        var result = await Cli.Wrap("cat")
            .WithStandardInputPipe(BlockingPipes.FromStream(new MemoryStream(Payload)))
            .WithStandardOutputPipe(BlockingPipes.ToStream(output))
            .ExecuteAsync();

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Payload, output.ToArray());
    }

    [Fact]
    public async Task A_child_that_stops_reading_early_ends_the_feed_without_hanging()
    {
        var output = new MemoryStream();

        var result = await Cli.Wrap("head")
            .WithArguments(["-c", "1000"])
            .WithStandardInputPipe(BlockingPipes.FromStream(new MemoryStream(Payload)))
            .WithStandardOutputPipe(BlockingPipes.ToStream(output))
            .ExecuteAsync()
            .Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Payload[..1000], output.ToArray());
    }
}
