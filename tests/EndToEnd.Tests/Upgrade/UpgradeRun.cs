using System.Text.Json;
using System.Text.RegularExpressions;
using EndToEnd.Tests.Support;

namespace EndToEnd.Tests.Upgrade;

/// <summary>Runs ./build.sh Upgrade against a sandbox instance the way an operator would.</summary>
static partial class UpgradeRun
{
    public static Task<BuildScriptResult> RunAsync(SandboxInstance sandbox, string version, params string[] arguments)
    {
        return BuildScript.RunAsync(
            ["Upgrade", "--no-logo", "--version", version, "--accept-breaking-changes", .. sandbox.ToolArguments, .. arguments],
            timeout: TimeSpan.FromMinutes(5));
    }

    /// <summary>
    /// A fresh instance must not inherit the journal of an earlier test run on the same (recreated) deployment
    /// directory, or the upgrade would rightly refuse to start.
    /// </summary>
    public static void ForgetJournalsOf(SandboxInstance sandbox)
    {
        var directory = Path.Combine(RepositoryRoot.Path, ".nuke", "temp", "upgrade");
        if (!Directory.Exists(directory))
            return;
        foreach (var file in Directory.GetFiles(directory, "*.json"))
        {
            try
            {
                using var document = JsonDocument.Parse(File.ReadAllText(file));
                if (document.RootElement.TryGetProperty("compose_file", out var compose) && compose.GetString() == sandbox.ComposeFile)
                    File.Delete(file);
            }
            catch (JsonException)
            {
                // Not a journal.
            }
        }
    }

    /// <summary>The report file the run printed (<c>Report: /.../report-&lt;id&gt;.json</c>).</summary>
    public static JsonDocument ReadReport(BuildScriptResult result)
    {
        var match = ReportLine().Match(result.Output);
        Assert.True(match.Success, "no report path in the output: " + result);
        return JsonDocument.Parse(File.ReadAllText(match.Groups["file"].Value));
    }

    /// <summary>Each stopped container as the Stop step printed it: service, seconds, exit code.</summary>
    public static IReadOnlyList<(string Service, double Seconds, int ExitCode)> StoppedContainers(BuildScriptResult result) =>
        StoppedLine().Matches(result.Output)
            .Select(m => (m.Groups["service"].Value, double.Parse(m.Groups["seconds"].Value, System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(m.Groups["exit"].Value)))
            .ToArray();

    [GeneratedRegex(@"Report: (?<file>\S+\.json)")]
    private static partial Regex ReportLine();

    [GeneratedRegex(@"(?<service>\w+): \S+ stopped in (?<seconds>[0-9.]+) s \(exit (?<exit>\d+)\)")]
    private static partial Regex StoppedLine();
}
