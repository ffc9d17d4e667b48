namespace Nuke.Common.Output;

/// <summary>
/// The table after a run: one line per planned target (collective ones left out) with status, duration and summary
/// pairs, then the total. Widths follow NUKE: name column max(longest + 4, 19), status 10, duration 10.
/// </summary>
internal static class SummaryTable
{
    public static IReadOnlyList<(string Text, OutputStyle Style)> Render(IReadOnlyList<ExecutableTarget> plan)
    {
        var nameWidth = Math.Max(plan.Select(x => x.Name.Length).DefaultIfEmpty(0).Max() + 4, 19);
        var width = nameWidth + 20;
        var lines = new List<(string, OutputStyle)>
        {
            ("", OutputStyle.Plain),
            (new string('═', width), OutputStyle.Information),
            (Row("Target", "Status", "Duration"), OutputStyle.Information),
            (new string('─', width), OutputStyle.Information),
        };
        foreach (var target in plan.Where(x => x.Status != ExecutionStatus.Collective))
        {
            var duration = target.Status is ExecutionStatus.Succeeded or ExecutionStatus.Failed or ExecutionStatus.Aborted
                ? FormatDuration(target.Duration)
                : "";
            var summary = target.SummaryInformation.Count > 0
                ? "   // " + string.Join(", ", target.SummaryInformation.Select(x => $"{x.Key}: {x.Value}"))
                : "";
            lines.Add((Row(target.Name, target.Status.ToString(), duration) + summary, StyleOf(target.Status)));
        }

        var total = plan.Aggregate(TimeSpan.Zero, (sum, target) => sum + target.Duration);
        lines.Add((new string('─', width), OutputStyle.Information));
        lines.Add((Row("Total", "", FormatDuration(total)), OutputStyle.Information));
        lines.Add((new string('═', width), OutputStyle.Information));
        return lines;

        string Row(string name, string status, string duration) =>
            name.PadRight(nameWidth) + status.PadRight(10) + duration.PadLeft(10);
    }

    /// <summary><c>m:ss</c>, and <c>&lt; 1sec</c> for anything under a second (only then; NUKE's 10:00 quirk is not copied).</summary>
    public static string FormatDuration(TimeSpan duration) =>
        duration < TimeSpan.FromSeconds(1)
            ? "< 1sec"
            : $"{(int)duration.TotalMinutes}:{duration.Seconds:00}";

    public static (string Text, OutputStyle Style) Outcome(bool succeeded, DateTime now) =>
        succeeded
            ? ($"Build succeeded on {now:G}. ＼（＾ᴗ＾）／", OutputStyle.Success)
            : ($"Build failed on {now:G}. (╯°□°）╯︵ ┻━┻", OutputStyle.Error);

    private static OutputStyle StyleOf(ExecutionStatus status) => status switch
    {
        ExecutionStatus.Succeeded => OutputStyle.Success,
        ExecutionStatus.Failed => OutputStyle.Error,
        ExecutionStatus.NotRun or ExecutionStatus.Aborted => OutputStyle.Warning,
        ExecutionStatus.Skipped => OutputStyle.Debug,
        _ => OutputStyle.Plain,
    };
}
