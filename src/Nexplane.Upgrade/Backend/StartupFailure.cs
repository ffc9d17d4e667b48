using System.Text.RegularExpressions;

namespace Nexplane.Upgrade.Backend;

/// <summary>
/// What a failed backend start says about its cause. A backend that stops on its own configuration (a variable the
/// new release requires and the deployment lacks) is the operator's to fix, not a bug to report upstream; anything
/// else (a migration's traceback, a crash) goes to the issue tracker with the saved output.
/// </summary>
public static partial class StartupFailure
{
    /// <summary>The first line of <paramref name="output"/> that blames the configuration (without the saved log's timestamp and stream), or null.</summary>
    public static string? ConfigurationLine(string output) =>
        output.Split('\n')
            .Select(line => SavedLinePrefix().Replace(line.Trim(), "").TrimEnd('.'))
            .FirstOrDefault(line => ConfigurationProblem().IsMatch(line));

    /// <summary>
    /// <see cref="ConfigurationLine"/> of the saved output file; null when it is missing or cannot be read (the advice
    /// then falls back to the bug report, and whoever records the failure is never stopped by the file).
    /// </summary>
    public static string? ConfigurationLineIn(string outputFile)
    {
        try
        {
            return File.Exists(outputFile) ? ConfigurationLine(File.ReadAllText(outputFile)) : null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The saved output's "&lt;timestamp&gt; stderr " before each line the backend printed.</summary>
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\S+\s+(stdout|stderr)\s+")]
    private static partial Regex SavedLinePrefix();

    [GeneratedRegex(@"configuration error|environment variable \S+ (is )?(not set|missing|required)|\b[A-Z][A-Z0-9]*_[A-Z0-9_]+ (is not set|must be set|is required)|missing required (setting|environment)",
        RegexOptions.IgnoreCase)]
    private static partial Regex ConfigurationProblem();
}
