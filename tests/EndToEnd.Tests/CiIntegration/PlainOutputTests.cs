using System.Text.RegularExpressions;
using CliWrap;
using EndToEnd.Tests.DryRun;
using EndToEnd.Tests.Rollback;
using EndToEnd.Tests.Support;

namespace EndToEnd.Tests.CiIntegration;

/// <summary>
/// The real ./build.sh with its output sent to a file, as a cron job or `| tee` leaves it: no live display, the
/// progress of long work as ordinary timestamped log lines, and not one control character. Upgrades instance 80
/// (the dry-run tests bring it back to 0.2.0 before they run).
/// </summary>
[Collection(DryRunCollection.Name)]
public sealed partial class PlainOutputTests(DryRunDeployment fixture) : IDisposable
{
    readonly RollbackDeployment _deployment = fixture.Deployment;
    readonly string _outputFile = Path.Combine(Path.GetTempPath(), $"upgrade-output-{Guid.NewGuid():N}.log");

    public void Dispose() => File.Delete(_outputFile);

    /// <summary>A log line: time, level, message, as the engine's console template writes it.</summary>
    [GeneratedRegex(@"^\d\d:\d\d:\d\d \[(VRB|DBG|INF|WRN|ERR|FTL)\] ")]
    private static partial Regex LogLine();

    /// <summary>A progress line: a step's label, then its amount, share, rate and elapsed time.</summary>
    [GeneratedRegex(@"^\d\d:\d\d:\d\d \[INF\] (Backing up|Pulling|Migration|Restoring|Agents|Canary)[^:]*: .*(\d+:\d\d)$")]
    private static partial Regex ProgressLine();

    [Fact]
    public async Task With_output_to_a_file_progress_comes_as_timestamped_lines_without_a_control_character()
    {
        await _deployment.ReadyOnAsync("0.2.0");

        // A short interval, so the sandbox's quick steps still last several intervals.
        var result = await Cli.Wrap("bash")
            .WithArguments(["-c", "./build.sh \"$@\" > \"$OUTPUT_FILE\" 2>&1", "build.sh",
                .. _deployment.UpgradeArguments("0.3.0", "--progress-interval", "100ms")])
            .WithWorkingDirectory(RepositoryRoot.Path)
            .WithEnvironmentVariables(new Dictionary<string, string?> { ["OUTPUT_FILE"] = _outputFile })
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync(new CancellationTokenSource(TimeSpan.FromMinutes(5)).Token);
        var output = await File.ReadAllTextAsync(_outputFile);

        Assert.True(result.ExitCode == 0, output);
        Assert.Equal("0.3.0", await _deployment.ServedVersionAsync());
        var lines = output.Split('\n');
        Assert.DoesNotContain(lines, line => line.Any(character => char.IsControl(character) && character != '\t'));
        var progress = lines.Where(line => ProgressLine().IsMatch(line)).ToArray();
        Assert.True(progress.Length > 0, output);
        Assert.All(progress, line => Assert.Matches(LogLine(), line));
    }
}
