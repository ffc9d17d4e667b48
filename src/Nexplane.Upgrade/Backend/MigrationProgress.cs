namespace Nexplane.Upgrade.Backend;

/// <summary>
/// The backend's startup as read from its log, line by line: which revisions ran and for how long, whether uvicorn
/// reported startup, and the first line that means it never will. Knows nothing about Docker, so recorded logs
/// can drive it.
/// </summary>
public sealed class MigrationProgress
{
    readonly List<AppliedMigration> _migrations = [];
    readonly List<string> _lines = [];

    public IReadOnlyList<AppliedMigration> Migrations => _migrations;

    /// <summary>Every line seen, with its time and stream, for the failure report.</summary>
    public IReadOnlyList<string> Lines => _lines;

    /// <summary>The last revision reported; null when nothing was pending.</summary>
    public string? Head => _migrations.Count > 0 ? _migrations[^1].To : null;

    public DateTimeOffset? FirstLineAt { get; private set; }

    public DateTimeOffset? StartupCompletedAt { get; private set; }

    public string? FailureLine { get; private set; }

    /// <summary>What went wrong in one line: Alembic's FAILED line, or the exception a traceback ended with.</summary>
    public string? ErrorSummary { get; private set; }

    /// <summary>The backend started again after a failure (a restart policy at work): what followed is a repeat.</summary>
    public bool RestartedAfterFailure { get; private set; }

    /// <summary>The migration running now: announced, and neither followed by the next one nor by the start-up's end.</summary>
    public AppliedMigration? Running => _migrations.Count > 0 && _migrations[^1].Duration is null && StartupCompletedAt is null && FailureLine is null
        ? _migrations[^1]
        : null;

    /// <summary>
    /// A migration lasts until the next one starts, or the backend reports start-up complete (or fails): Alembic says
    /// nothing when a revision ends, and a long one logs its own progress lines meanwhile.
    /// </summary>
    void EndRunningMigration(DateTimeOffset at)
    {
        if (_migrations.Count > 0 && _migrations[^1].Duration is null)
            _migrations[^1] = _migrations[^1] with { Duration = at - _migrations[^1].StartedAt };
    }

    /// <summary>Takes one line; returns the migration it started, if it started one.</summary>
    public AppliedMigration? Observe(DateTimeOffset at, string stream, string line)
    {
        FirstLineAt ??= at;
        _lines.Add($"{at:yyyy-MM-ddTHH:mm:ss.fffZ} {stream} {line}");

        if (FailureLine is not null && !RestartedAfterFailure && MigrationLogLine.StartsRun(line))
            RestartedAfterFailure = true;
        if (RestartedAfterFailure)
            return null;

        if (MigrationLogLine.TryParseMigration(line, out var from, out var to, out var description))
        {
            EndRunningMigration(at);
            var migration = new AppliedMigration(from, to, description, at, null);
            _migrations.Add(migration);
            return migration;
        }
        if (MigrationLogLine.IsStartupComplete(line))
        {
            EndRunningMigration(at);
            StartupCompletedAt ??= at;
        }
        else if (MigrationLogLine.IsFailure(line))
        {
            EndRunningMigration(at);
            FailureLine ??= line.Trim();
        }
        if (FailureLine is not null && (line.Contains("FAILED:", StringComparison.Ordinal) || MigrationLogLine.IsExceptionSummary(line)
                                        || line.StartsWith("Configuration error:", StringComparison.Ordinal)))
            ErrorSummary = line.Trim();
        return null;
    }
}
