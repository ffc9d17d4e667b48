using Nexplane.Upgrade.Notifications;

namespace Nexplane.Upgrade.Runs;

/// <summary>
/// The runbook's "notify users": what the run tells them before the restart and when it ends, and what became of
/// each notification (a webhook that failed is a warning and a line of the report, never a failed upgrade).
/// </summary>
public sealed partial class UpgradeRun
{
    /// <summary>Where <see cref="FinishReport"/> writes the JSON report; known from the start, so notices can name it.</summary>
    public string JsonReportFile(string directory) => Path.Combine(directory, $"report-{Report.Id}.json");

    public UpgradeEvent StartEvent() =>
        new(UpgradeEventKind.Started, Report.FromVersion, Report.ToVersion, null, "starting", null, null);

    /// <summary>
    /// How the upgrade ended, for users who were told it would start (or after a rollback run on its own).
    /// <paramref name="failedStep"/> is the first runbook step that failed or was interrupted, if any.
    /// </summary>
    public UpgradeEvent OutcomeEvent(string? failedStep, bool verifySucceeded, bool rolledBack, bool stopBegan, string reportFile)
    {
        var from = Report.FromVersion;
        var to = Report.ToVersion;
        // A rollback that found nothing to undo leaves users where a failure before Stop does: nothing changed.
        if (rolledBack && !RollbackFoundNothingToUndo)
            return new(UpgradeEventKind.RolledBack, from, to, failedStep, Report.Outcome ?? $"rolled back and healthy on {from ?? "the previous version"}",
                Report.DowntimeSeconds, reportFile);
        if (verifySucceeded)
        {
            var agentsBehind = Report.Agents.Count(agent => !agent.IsSuccess);
            var outcome = agentsBehind == 0
                ? $"upgraded and healthy on {to}"
                : $"control plane upgraded and healthy on {to}; {agentsBehind} of {Report.Agents.Count} agent host(s) not upgraded";
            return new(UpgradeEventKind.Succeeded, from, to, failedStep, outcome, Report.DowntimeSeconds, reportFile);
        }
        var failure = Report.Outcome
            ?? (stopBegan ? "the upgrade did not finish; an operator is looking at it" : $"nothing was changed; Nexplane still runs {from ?? "the previous version"}");
        return new(UpgradeEventKind.Failed, from, to, failedStep, failure, Report.DowntimeSeconds, reportFile);
    }

    /// <summary>Says what each webhook did with a notice and keeps it in the report.</summary>
    public void RecordDeliveries(IReadOnlyList<WebhookDelivery> deliveries)
    {
        foreach (var delivery in deliveries)
        {
            Report.Notifications.Add(delivery.ToString());
            if (delivery.Delivered)
                output.Information("Notified {Webhook}: {Event} ({Detail})", delivery.Webhook, delivery.Event.ToString(), delivery.Detail);
            else
                output.Warning("{Webhook} was not notified of {Event}: {Detail}; the upgrade goes on without it",
                    delivery.Webhook, delivery.Event.ToString(), delivery.Detail);
        }
    }
}
