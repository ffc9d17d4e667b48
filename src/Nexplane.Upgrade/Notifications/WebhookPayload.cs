using System.Text.Json;

namespace Nexplane.Upgrade.Notifications;

/// <summary>
/// The body posted to a webhook: Slack's incoming-webhook <c>text</c> (also read by Mattermost, Rocket.Chat and
/// Teams' Slack-compatible connectors), plus the event as data for anything that automates on it.
/// </summary>
public static class WebhookPayload
{
    public static string ToJson(UpgradeEvent upgradeEvent) => JsonSerializer.Serialize(new
    {
        text = upgradeEvent.Text,
        @event = new
        {
            type = "nexplane.upgrade." + JsonNamingPolicy.SnakeCaseLower.ConvertName(upgradeEvent.Kind.ToString()),
            from_version = upgradeEvent.FromVersion,
            to_version = upgradeEvent.ToVersion,
            step = upgradeEvent.Step,
            outcome = upgradeEvent.Outcome,
            downtime_seconds = upgradeEvent.DowntimeSeconds,
            report_file = upgradeEvent.ReportFile,
        },
    });
}
