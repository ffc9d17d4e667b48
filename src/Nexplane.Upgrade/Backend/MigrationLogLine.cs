using System.Text.RegularExpressions;

namespace Nexplane.Upgrade.Backend;

/// <summary>One Alembic revision applied by the backend at startup.</summary>
/// <param name="From">The revision it upgraded from; empty for the first revision of an empty database.</param>
/// <param name="Duration">
/// Until the next revision starts or the backend reports start-up complete: Alembic prints nothing when a revision
/// finishes, and a long one logs its own progress meanwhile.
/// </param>
public sealed record AppliedMigration(string From, string To, string Description, DateTimeOffset StartedAt, TimeSpan? Duration)
{
    public override string ToString() =>
        $"{(From.Length == 0 ? "(empty)" : From)} -> {To}, {Description}" + (Duration is { } d ? $" ({d.TotalSeconds:0.00} s)" : "");
}

/// <summary>
/// What a backend log line means for the upgrade. Both formats are accepted: Alembic's real one
/// (<c>INFO  [alembic.runtime.migration] Running upgrade a -> b, desc</c>) and the runbook's
/// (<c>INFO alembic.runtime.migration - Running upgrade a -> b, desc</c>).
/// </summary>
public static partial class MigrationLogLine
{
    public static bool TryParseMigration(string line, out string from, out string to, out string description)
    {
        var match = RunningUpgrade().Match(line);
        from = match.Success ? match.Groups["from"].Value : "";
        to = match.Success ? match.Groups["to"].Value : "";
        description = match.Success ? match.Groups["description"].Value.Trim() : "";
        return match.Success;
    }

    /// <summary>uvicorn's signal that the app (and so every migration before it) is up.</summary>
    public static bool IsStartupComplete(string line) => line.Contains("Application startup complete", StringComparison.Ordinal);

    /// <summary>
    /// Lines after which the backend will not come up: Alembic's <c>FAILED:</c> (CommandError, exit 255), uvicorn's
    /// refusal to start, a Python traceback (exit 1), a configuration check failing before any migration.
    /// </summary>
    public static bool IsFailure(string line) =>
        line.Contains("FAILED:", StringComparison.Ordinal)
        || line.Contains("Application startup failed", StringComparison.Ordinal)
        || line.Contains("Traceback (most recent call last)", StringComparison.Ordinal)
        || line.StartsWith("Configuration error:", StringComparison.Ordinal);

    /// <summary>The line a Python traceback ends with, e.g. <c>sqlalchemy.exc.ProgrammingError: ...</c>.</summary>
    public static bool IsExceptionSummary(string line) => ExceptionSummary().IsMatch(line);

    /// <summary>The first line of a (re)started backend: after a failure it means the container was restarted.</summary>
    public static bool StartsRun(string line) =>
        line.Contains("Context impl", StringComparison.Ordinal) || line.Contains("Started server process", StringComparison.Ordinal);

    [GeneratedRegex(@"^[A-Za-z_][\w.]*(Error|Exception|Exit)\b[^:]*:\s")]
    private static partial Regex ExceptionSummary();

    [GeneratedRegex(@"alembic\.runtime\.migration\]?(?:\s+-)?\s+Running upgrade (?<from>\S*) -> (?<to>[^\s,]+)(?:,(?<description>.*))?$")]
    private static partial Regex RunningUpgrade();
}
