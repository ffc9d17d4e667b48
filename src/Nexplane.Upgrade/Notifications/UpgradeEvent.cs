namespace Nexplane.Upgrade.Notifications;

/// <summary>What a notification announces: the runbook's "notify users" before the restart, and how the upgrade ended.</summary>
public enum UpgradeEventKind
{
    Started,
    Succeeded,
    Failed,
    RolledBack,
}

/// <summary>
/// One moment of an upgrade that users are told about, as data: versions, the step it concerns, the outcome, the
/// downtime and the report. <see cref="Text"/> is the sentence a chat channel shows.
/// </summary>
public sealed record UpgradeEvent(
    UpgradeEventKind Kind,
    string? FromVersion,
    string? ToVersion,
    string? Step,
    string Outcome,
    double? DowntimeSeconds,
    string? ReportFile)
{
    /// <summary>The runbook's own words for users: a brief restart that interrupts running change executions.</summary>
    public const string RestartWarning = "brief restart; active change executions will be interrupted and should be re-run";

    public string Text => Kind switch
    {
        UpgradeEventKind.Started =>
            $"Nexplane is being upgraded from {FromVersion ?? "?"} to {ToVersion ?? "?"}: {RestartWarning}.",
        UpgradeEventKind.Succeeded =>
            $"Nexplane is upgraded to {ToVersion ?? "?"} and healthy{DowntimeClause}. Change executions interrupted by the restart should be re-run.",
        UpgradeEventKind.RolledBack =>
            $"The upgrade of Nexplane to {ToVersion ?? "?"} failed{StepClause} and was rolled back: {Outcome}. Change executions interrupted by the restart should be re-run.",
        _ => $"The upgrade of Nexplane to {ToVersion ?? "?"} failed{StepClause}: {Outcome}.",
    };

    string DowntimeClause => DowntimeSeconds is { } seconds ? $" (downtime {seconds:0.0} s)" : "";

    string StepClause => Step is null ? "" : $" at {Step}";
}
