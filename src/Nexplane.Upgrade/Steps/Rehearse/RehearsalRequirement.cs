using Nexplane.Upgrade.Operator;

namespace Nexplane.Upgrade.Steps.Rehearse;

/// <summary>
/// What Preflight says about rehearsals: the last one of the same path (when, verdict, predicted downtime), and, with
/// <c>--require-rehearsal</c>, the refusal when none of that path passed.
/// </summary>
public static class RehearsalRequirement
{
    public static string Describe(RehearsalReport? last, string from, string to, DateTimeOffset now, OperatorAdvice advice) => last is null
        ? $"No rehearsal of {from} -> {to} for this deployment yet ({advice.Command("Rehearse")} {advice.Flag(Setting.Version)} {to})"
        : $"Last rehearsal of {from} -> {to}: {last.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC ({Ago(now - last.StartedAt)} ago), {last.Verdict}" +
          (last.PredictedDowntime is { } downtime ? $", predicted downtime {downtime.Seconds:0.0} s" : "") +
          (last.Passed ? "" : $": {last.Reason}") + (last.Path is null ? "" : $" ({last.Path})");

    /// <summary>Null when the upgrade may go on; else the refusal, naming the command that lifts it.</summary>
    public static string? Refusal(bool required, RehearsalReport? lastPassing, RehearsalReport? last, string from, string to,
        OperatorAdvice advice) =>
        !required || lastPassing is not null
            ? null
            : $"{advice.Flag(Setting.RequireRehearsal)}: no passing rehearsal of {from} -> {to} for this deployment" +
              (last is null ? "" : $" (the last one {last.Verdict}: {last.Reason})") +
              $". Rehearse first: {advice.Command("Rehearse")} {advice.Flag(Setting.Version)} {to}";

    static string Ago(TimeSpan span) =>
        span.TotalDays >= 1 ? $"{span.TotalDays:0} d" : span.TotalHours >= 1 ? $"{span.TotalHours:0} h" : $"{Math.Max(span.TotalMinutes, 0):0} min";
}
