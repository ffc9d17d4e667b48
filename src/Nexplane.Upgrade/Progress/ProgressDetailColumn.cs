using Spectre.Console;
using Spectre.Console.Rendering;

namespace Nexplane.Upgrade.Progress;

/// <summary>The share, amount and rate of a live progress row, worded as the plain log lines word them.</summary>
sealed class ProgressDetailColumn : ProgressColumn
{
    const string UnitKey = "nexplane.unit";

    public static void SetUnit(ProgressTask task, ProgressUnit unit) => task.State.Update<int>(UnitKey, _ => (int)unit);

    public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime)
    {
        var unit = (ProgressUnit)task.State.Get<int>(UnitKey);
        double? total = task.IsIndeterminate ? null : task.MaxValue;
        var elapsed = task.ElapsedTime ?? TimeSpan.Zero;
        var parts = new[]
            {
                ProgressText.Percent(task.Value, total),
                ProgressText.Amount(unit, task.Value, total),
                ProgressText.Rate(unit, task.Value, elapsed),
            }
            .Where(part => part.Length > 0);
        return new Text(string.Join("  ", parts));
    }
}
