using Nuke.Common;
using Serilog;

namespace NukeCompat.Tests;

/// <summary>
/// Not in NUKE: a terminal that goes away (SIGHUP when an SSH connection drops) does not end the build. The build
/// goes on to its end, stops writing to the terminal (a hung-up one fails every write with EIO) and keeps its log.
/// </summary>
public class HangUpTests
{
    private sealed class MigrateBuild : NukeBuild
    {
        public HangUpSignal HangUps { get; } = new();
        public List<string> Ran { get; } = [];
        public int HangUpsNoted;
        public bool TokenWasCancelled;

        public Target Migrate => _ => _.Executes(async cancellationToken =>
        {
            Log.Information("before the hang-up");
            HangUps.Raise();
            HangUps.Raise();
            await Task.Delay(10, cancellationToken);
            TokenWasCancelled = cancellationToken.IsCancellationRequested;
            Log.Information("after the hang-up");
            Ran.Add("Migrate");
        });

        public Target Verify => _ => _.DependsOn(Migrate).Executes(() => Ran.Add("Verify"));

        protected internal override void OnTerminalHungUp() => Interlocked.Increment(ref HangUpsNoted);
    }

    [Fact]
    public void A_hang_up_lets_the_build_run_to_its_end_and_its_log_says_so()
    {
        var build = new MigrateBuild();
        using var root = new TestRoot();
        var terminal = new StringWriter();

        var exitCode = Run(build, "Verify", root, terminal, build.HangUps);

        Assert.Equal(0, exitCode);
        Assert.Equal(["Migrate", "Verify"], build.Ran);
        Assert.False(build.TokenWasCancelled);
        Assert.Equal(1, build.HangUpsNoted);
        var log = File.ReadAllText(Path.Combine(root.TempDirectory, "build.log"));
        var runLog = Assert.Single(Directory.GetFiles(root.TempDirectory, "build.????-??-??_??-??-??.log"));
        Assert.Contains($"The terminal went away (SIGHUP): the build goes on to its end without it, and goes on writing to {runLog}", log);
        Assert.Contains("The terminal went away (SIGHUP)", File.ReadAllText(runLog));
        // Said once, however many hang-ups arrive (and replayed once among the warnings at the end).
        Assert.Single(log.Split('\n'), line => line.Contains("| W |") && line.Contains("The terminal went away"));
        Assert.Contains("after the hang-up", log);
        Assert.Contains("Build succeeded", log);
        // The terminal got nothing after the hang-up.
        Assert.Contains("before the hang-up", terminal.ToString());
        Assert.DoesNotContain("after the hang-up", terminal.ToString());
        Assert.DoesNotContain("The terminal went away", terminal.ToString());
    }

    [Fact]
    public void A_server_build_that_writes_no_log_files_starts_its_own_log_when_the_terminal_goes_away()
    {
        var build = new MigrateBuild();
        using var root = new TestRoot();
        var terminal = new StringWriter();

        var exitCode = Run(build, "Verify", root, terminal, build.HangUps, new() { ["CI"] = "true" });

        Assert.Equal(0, exitCode);
        Assert.Equal(["Migrate", "Verify"], build.Ran);
        Assert.False(File.Exists(Path.Combine(root.TempDirectory, "build.log")));
        var runLog = Assert.Single(Directory.GetFiles(root.TempDirectory, "build.????-??-??_??-??-??.log"));
        var log = File.ReadAllText(runLog);
        Assert.Contains($"The terminal went away (SIGHUP): the build goes on to its end without it, and goes on writing to {runLog}", log);
        Assert.Contains("after the hang-up", log);
        Assert.Contains("Build succeeded", log);
        // Only from the hang-up on: before it, the terminal had everything and a server build keeps no file.
        Assert.DoesNotContain("before the hang-up", log);
        Assert.DoesNotContain("after the hang-up", terminal.ToString());
    }

    private sealed class LoggingBuild : NukeBuild
    {
        public HangUpSignal HangUps { get; } = new();
        public int HangUpsNoted;

        public Target Migrate => _ => _.Executes(() =>
        {
            for (var i = 0; i < 5; i++)
                Log.Information("migration line {Number}", i);
        });

        protected internal override void OnTerminalHungUp() => Interlocked.Increment(ref HangUpsNoted);
    }

    [Fact]
    public void A_write_the_hung_up_terminal_refuses_is_a_hang_up_not_a_failure()
    {
        var build = new LoggingBuild();
        using var root = new TestRoot();
        var terminal = new HungUpTerminal(acceptedWrites: 3);

        var exitCode = Run(build, "Migrate", root, terminal, build.HangUps);

        Assert.Equal(0, exitCode);
        Assert.Equal(1, build.HangUpsNoted);
        Assert.Equal(1, terminal.RefusedWrites);
        var log = File.ReadAllText(Path.Combine(root.TempDirectory, "build.log"));
        Assert.Contains("The terminal went away (writing to it failed: Input/output error)", log);
        Assert.Contains("migration line 4", log);
        Assert.Contains("Build succeeded", log);
    }

    [Fact]
    public void A_hang_up_while_nothing_runs_is_left_to_the_runtime()
    {
        Assert.False(new HangUpSignal().Raise());
    }

    private static int Run<T>(T build, string target, TestRoot root, TextWriter terminal, HangUpSignal hangUps, Dictionary<string, string>? environment = null) where T : NukeBuild =>
        BuildRunner.Run(
            new BuildOptions
            {
                Arguments = [target, "--no-logo"],
                RootDirectory = root.Path,
                WorkingDirectory = root.Path,
                EnvironmentVariables = environment ?? new Dictionary<string, string>(),
                Output = terminal,
                UseColors = false,
                Interrupts = new InterruptSignal(),
                HangUps = hangUps,
            },
            () => build);

    /// <summary>A terminal that hangs up after a few writes: every later write fails with EIO, as Linux's tty does.</summary>
    private sealed class HungUpTerminal(int acceptedWrites) : TextWriter
    {
        private int _writes;
        public int RefusedWrites;

        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public override void Write(char value) => Write(value.ToString());

        public override void Write(string? value)
        {
            if (++_writes <= acceptedWrites)
                return;
            RefusedWrites++;
            throw new IOException("Input/output error");
        }
    }
}
