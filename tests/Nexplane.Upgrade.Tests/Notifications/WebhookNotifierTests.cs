using System.Net;
using System.Text.Json;
using Nexplane.Upgrade.Notifications;

namespace Nexplane.Upgrade.Tests.Notifications;

/// <summary>Users hear about the restart and its outcome, and a webhook that fails or hangs never holds the upgrade up.</summary>
public sealed class WebhookNotifierTests
{
    static readonly UpgradeEvent Started = new(UpgradeEventKind.Started, "0.2.0", "0.3.0", null, "starting", null, null);

    static readonly UpgradeEvent RolledBack = new(UpgradeEventKind.RolledBack, "0.2.0", "0.3.1", "StartBackend",
        "rolled back and healthy on 0.2.0", 2.5, "/srv/.nuke/temp/upgrade/report-1.json");

    [Fact]
    public async Task The_start_notice_carries_the_runbooks_warning_as_slack_text_and_the_event_as_data()
    {
        using var receiver = new WebhookReceiver();

        var deliveries = await new WebhookNotifier([receiver.Url], TimeSpan.FromSeconds(5)).PostAsync(Started, CancellationToken.None);

        Assert.True(Assert.Single(deliveries).Delivered);
        using var payload = JsonDocument.Parse(Assert.Single(receiver.Bodies));
        Assert.Equal("Nexplane is being upgraded from 0.2.0 to 0.3.0: brief restart; active change executions will be interrupted and should be re-run.",
            payload.RootElement.GetProperty("text").GetString());
        var data = payload.RootElement.GetProperty("event");
        Assert.Equal("nexplane.upgrade.started", data.GetProperty("type").GetString());
        Assert.Equal("0.2.0", data.GetProperty("from_version").GetString());
        Assert.Equal("0.3.0", data.GetProperty("to_version").GetString());
    }

    [Fact]
    public async Task A_rollback_notice_names_the_failed_step_the_outcome_the_downtime_and_the_report()
    {
        using var receiver = new WebhookReceiver();

        await new WebhookNotifier([receiver.Url], TimeSpan.FromSeconds(5)).PostAsync(RolledBack, CancellationToken.None);

        using var payload = JsonDocument.Parse(Assert.Single(receiver.Bodies));
        Assert.Equal("The upgrade of Nexplane to 0.3.1 failed at StartBackend and was rolled back: rolled back and healthy on 0.2.0. " +
                     "Change executions interrupted by the restart should be re-run.", payload.RootElement.GetProperty("text").GetString());
        var data = payload.RootElement.GetProperty("event");
        Assert.Equal("nexplane.upgrade.rolled_back", data.GetProperty("type").GetString());
        Assert.Equal("StartBackend", data.GetProperty("step").GetString());
        Assert.Equal("rolled back and healthy on 0.2.0", data.GetProperty("outcome").GetString());
        Assert.Equal(2.5, data.GetProperty("downtime_seconds").GetDouble());
        Assert.Equal("/srv/.nuke/temp/upgrade/report-1.json", data.GetProperty("report_file").GetString());
    }

    [Fact]
    public async Task Every_webhook_gets_the_notice_and_one_answering_500_is_reported_without_stopping_the_others()
    {
        using var failing = new WebhookReceiver { Status = HttpStatusCode.InternalServerError };
        using var working = new WebhookReceiver();

        var deliveries = await new WebhookNotifier([failing.Url, working.Url], TimeSpan.FromSeconds(5)).PostAsync(Started, CancellationToken.None);

        Assert.Equal([false, true], deliveries.Select(d => d.Delivered));
        Assert.Equal("webhook 1 (127.0.0.1): Started NOT delivered (HTTP 500 Internal Server Error)", deliveries[0].ToString());
        Assert.Single(failing.Bodies);
        Assert.Single(working.Bodies);
    }

    [Fact]
    public async Task A_hanging_webhook_is_given_up_after_the_timeout_and_reported()
    {
        using var hanging = new WebhookReceiver { Hang = true };
        using var working = new WebhookReceiver();

        var deliveries = await new WebhookNotifier([hanging.Url, working.Url], TimeSpan.FromSeconds(5)).PostAsync(Started, CancellationToken.None);

        // That it returns, and says why, is the behaviour; how fast is a benchmark's question. The timeout leaves
        // the working webhook time to answer on a loaded machine.
        Assert.False(deliveries[0].Delivered);
        Assert.Equal("no answer within 5 s (--webhook-timeout)", deliveries[0].Detail);
        Assert.True(deliveries[1].Delivered);
        Assert.Single(hanging.Bodies);
    }

    [Fact]
    public async Task A_refused_connection_is_reported_not_thrown()
    {
        using var receiver = new WebhookReceiver();
        var closedPort = new Uri(receiver.Url).Port;
        receiver.Dispose();

        var delivery = Assert.Single(await new WebhookNotifier([$"http://127.0.0.1:{closedPort}/hook/tok3n"], TimeSpan.FromSeconds(5))
            .PostAsync(Started, CancellationToken.None));

        Assert.False(delivery.Delivered);
        Assert.StartsWith("webhook 1 (127.0.0.1)", delivery.Webhook);
    }

    [Fact]
    public async Task A_delivery_names_the_webhook_by_number_and_host_never_by_its_tokened_path()
    {
        using var receiver = new WebhookReceiver("/services/T000/B000/tok3nInThePath");

        var delivery = Assert.Single(await new WebhookNotifier([receiver.Url], TimeSpan.FromSeconds(5)).PostAsync(Started, CancellationToken.None));

        Assert.DoesNotContain("tok3nInThePath", delivery.ToString());
        Assert.Equal("webhook 1 (127.0.0.1)", delivery.Webhook);
    }

    [Fact]
    public async Task Without_webhooks_nothing_is_posted() =>
        Assert.Empty(await new WebhookNotifier([], TimeSpan.FromSeconds(1)).PostAsync(Started, CancellationToken.None));
}
