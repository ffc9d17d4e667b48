using Nexplane.Upgrade.Progress;

namespace Nexplane.Upgrade.Backend;

/// <summary>
/// The migration the backend is running now, as one progress line with its own elapsed time: each revision the log
/// announces replaces the previous one; startup, a failure or the end of the watch ends it.
/// </summary>
sealed class RunningMigrationLine(IProgressDisplay display) : IDisposable
{
    IProgressLine? current;

    public void Show(AppliedMigration migration)
    {
        current?.Dispose();
        current = display.Start($"Migration {migration.From} -> {migration.To}: {migration.Description}", ProgressUnit.Elapsed);
    }

    public void End()
    {
        current?.Dispose();
        current = null;
    }

    public void Dispose() => End();
}
