using Nuke.Common;
using Serilog;
using Spectre.Console;
using Spectre.Console.Testing;

namespace NukeCompat.Tests;

/// <summary>
/// Not in NUKE: on an interactive terminal the engine offers a console for live displays (progress bars), and its
/// own lines go through that console so a display stays below them instead of being overwritten.
/// </summary>
public class LiveConsoleTests
{
    private sealed class ProgressBuild : NukeBuild
    {
        public IAnsiConsole? SeenConsole;

        public Target Copy => _ => _.Executes(() =>
        {
            SeenConsole = LiveConsole;
            LiveConsole?.Progress().Start(context =>
            {
                var task = context.AddTask("copying");
                task.Increment(50);
                Log.Information("a line logged while the display runs");
                task.Increment(50);
            });
        });
    }

    [Fact]
    public void Log_lines_go_through_the_live_console_when_there_is_one()
    {
        using var root = new TestRoot();
        var terminal = new TestConsole().Interactive().EmitAnsiSequences();
        var plain = new StringWriter();
        ProgressBuild? build = null;

        var exitCode = BuildRunner.Run(
            new BuildOptions
            {
                Arguments = ["Copy", "--no-logo"],
                RootDirectory = root.Path,
                WorkingDirectory = root.Path,
                EnvironmentVariables = new Dictionary<string, string>(),
                Output = plain,
                UseColors = false,
                LiveConsole = terminal,
                Interrupts = new InterruptSignal(),
            },
            () => build = new ProgressBuild());

        Assert.Equal(0, exitCode);
        Assert.Same(terminal, build!.SeenConsole);
        Assert.Contains("[INF] a line logged while the display runs", terminal.Output);
        Assert.Contains("copying", terminal.Output);
        Assert.DoesNotContain("a line logged", plain.ToString());
    }

    [Fact]
    public void Output_that_is_not_a_terminal_gets_no_live_console()
    {
        var result = TestBuild.Run<ProgressBuild>("Copy --no-logo");

        Assert.Equal(0, result.ExitCode);
        Assert.Null(result.Build.SeenConsole);
        Assert.Contains("Copy", result.Output);
    }
}
