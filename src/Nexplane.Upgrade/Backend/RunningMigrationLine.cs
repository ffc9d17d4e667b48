using Nexplane.Upgrade.Progress;

namespace Nexplane.Upgrade.Backend;

/// <summary>
/// The migration the backend is running now, as one progress line with its own elapsed time: each revision the log
/// announces replaces the previous one; startup, a failure or the end of the watch ends it. A migration that logs a
/// count or a percentage (<see cref="MigrationShare"/>) gets its share shown.
/// </summary>
sealed class RunningMigrationLine(IProgressDisplay display) : IDisposable
{
    IProgressLine? current;
    double shown;

    public void Show(AppliedMigration migration)
    {
        current?.Dispose();
        shown = 0;
        current = display.Start($"Migration {migration.From} -> {migration.To}: {migration.Description}", ProgressUnit.Elapsed);
    }

    /// <summary>
    /// The running migration said how far it got (0 to 1): its line shows the share from now on. A lower share than
    /// the one shown (another count in a later line) never moves the bar back.
    /// </summary>
    public void Share(double done)
    {
        if (current is null || done < shown)
            return;
        shown = done;
        current.SetTotal(100);
        current.Report(done * 100);
    }

    public void End()
    {
        current?.Dispose();
        current = null;
    }

    public void Dispose() => End();
}
