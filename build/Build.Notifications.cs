using Nexplane.Upgrade.Deployments;
using Nexplane.Upgrade.Notifications;
using Nexplane.Upgrade.Runs;
using Nuke.Common;
using Nexplane.Upgrade.Runbook;

/// <summary>
/// The runbook's "notify users": with --webhook-url, users hear of the brief restart once Preflight has passed, and
/// how it ended (upgraded, failed, rolled back). A webhook never fails the upgrade or holds it up past --webhook-timeout.
/// </summary>
partial class Build
{
    [Parameter("Webhook told of the upgrade's start and outcome (Slack-compatible JSON; give several). A secret: its URL carries a token")]
    [Secret]
    readonly string[] WebhookUrl = [];

    [Parameter("Longest wait for all webhooks each time users are notified, e.g. 5s; a slow webhook is reported, not waited for")]
    readonly TimeSpan WebhookTimeout = TimeSpan.FromSeconds(5);

    WebhookNotifier? _notifier;

    WebhookNotifier Notifier => _notifier ??= new WebhookNotifier(WebhookUrl, WebhookTimeout);

    /// <summary>Printed as the skip reason of both notices.</summary>
    bool HasWebhooks => WebhookUrl.Length > 0;

    bool UsersWereTold;

    /// <summary>Users told of the restart hear how it ended; so do they after a rollback run on its own.</summary>
    bool UsersAwaitOutcome => UsersWereTold || InvokedTargets.Contains(Rollback);

    void NotificationParameterProblems(ParameterProblems problems)
    {
        foreach (var url in WebhookUrl)
            problems.HttpUrl("--webhook-url", url, "https://hooks.slack.com/services/...");
        problems.Positive("--webhook-timeout", WebhookTimeout);
    }

    Target NotifyUsers => _ => _
        .Description("With --webhook-url: tells users of the brief restart, once Preflight has passed")
        .DependsOn(Preflight)
        .DependentFor(Pull)
        .Before(Backup)
        .OnlyWhenStatic(() => HasWebhooks)
        .OnlyWhenStatic(() => NotDryRun)
        .Executes(async cancellationToken =>
        {
            Run.RecordDeliveries(await Notifier.PostAsync(Run.StartEvent(), cancellationToken));
            UsersWereTold = true;
        });

    Target NotifyOutcome => _ => _
        .Description("With --webhook-url: tells users how the upgrade ended: upgraded, failed, or rolled back")
        .TriggeredBy(NotifyUsers, Rollback)
        .After(Verify, Agents, Rollback)
        .AssuredAfterFailure()
        .OnlyWhenStatic(() => HasWebhooks)
        .OnlyWhenDynamic(() => UsersAwaitOutcome)
        .Executes(async cancellationToken =>
        {
            var end = RunEnd;
            var outcome = Run.OutcomeEvent(end.FailedStep, end.VerifySucceeded, end.RollbackSucceeded, end.StopBegan,
                Run.JsonReportFile(UpgradeStateDirectory));
            Run.RecordDeliveries(await Notifier.PostAsync(outcome, cancellationToken));
        });
}
