using System.Net;
using System.Text.Json;
using EndToEnd.Tests.Rollback;
using EndToEnd.Tests.Support;
using Nexplane.Upgrade.Tests.Notifications;

namespace EndToEnd.Tests.Notifications;

/// <summary>
/// The runbook's "notify users" through --webhook-url (given as CI gives secrets: an environment variable), against
/// webhook receivers on loopback: users hear of the restart and of its end, and a failing webhook only warns.
/// </summary>
[Collection(SharedRunbookDeploymentCollection.Name)]
public sealed class UpgradeNotificationTests(SharedRunbookDeployment fixture)
{
    readonly RollbackDeployment _deployment = fixture.Deployment;

    [Fact]
    public async Task Users_hear_of_the_restart_and_of_the_healthy_upgrade_and_a_webhook_answering_500_only_warns()
    {
        await _deployment.ReadyOnAsync("0.2.0");
        using var chat = new WebhookReceiver("/services/T1/B1/first-webhook-token");
        using var broken = new WebhookReceiver("/hooks/second-webhook-token") { Status = HttpStatusCode.InternalServerError };

        var run = await BuildScript.RunAsync(_deployment.UpgradeArguments("0.3.0"),
            new Dictionary<string, string?> { ["WEBHOOK_URL"] = $"{chat.Url} {broken.Url}" }, TimeSpan.FromMinutes(8));

        Assert.True(run.ExitCode == 0, run.ToString());
        var events = chat.Bodies.Select(body => JsonDocument.Parse(body).RootElement).ToArray();
        Assert.Equal(["nexplane.upgrade.started", "nexplane.upgrade.succeeded"], events.Select(e => e.GetProperty("event").GetProperty("type").GetString()));
        Assert.Contains("brief restart; active change executions will be interrupted and should be re-run", events[0].GetProperty("text").GetString());
        var succeeded = events[1].GetProperty("event");
        Assert.Equal("upgraded and healthy on 0.3.0", succeeded.GetProperty("outcome").GetString());
        Assert.True(succeeded.GetProperty("downtime_seconds").GetDouble() > 0);
        var reportFile = succeeded.GetProperty("report_file").GetString()!;
        Assert.True(File.Exists(reportFile), "the notice names a report that exists: " + reportFile);
        Assert.Equal(2, broken.Bodies.Count);
        Assert.Contains("webhook 2 (127.0.0.1) was not notified of Started: HTTP 500 Internal Server Error; the upgrade goes on without it", run.Output);
        Assert.Contains("webhook 2 (127.0.0.1): Started NOT delivered (HTTP 500 Internal Server Error)", await File.ReadAllTextAsync(reportFile));
        foreach (var token in new[] { "first-webhook-token", "second-webhook-token" })
        {
            Assert.DoesNotContain(token, run.Output);
            Assert.DoesNotContain(token, await File.ReadAllTextAsync(reportFile));
            Assert.DoesNotContain(token, await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, ".nuke", "temp", "audit.jsonl")));
        }
    }
}

/// <summary>A release whose migration fails: users are told it was rolled back, and a hanging webhook does not stall it.</summary>
[Collection(SharedRunbookDeploymentCollection.Name)]
public sealed class RollbackNotificationTests(SharedRunbookDeployment fixture)
{
    readonly RollbackDeployment _deployment = fixture.Deployment;

    [Fact]
    public async Task Users_hear_that_a_failed_upgrade_was_rolled_back_and_a_hanging_webhook_is_given_up()
    {
        await _deployment.ReadyOnAsync("0.2.0");
        var before = await _deployment.CaptureAsync();
        using var chat = new WebhookReceiver();
        using var hanging = new WebhookReceiver("/hooks/hanging") { Hang = true };

        var run = await BuildScript.RunAsync(_deployment.UpgradeArguments("0.3.1", "--webhook-timeout", "2s"),
            new Dictionary<string, string?> { ["NUKE_WEBHOOK_URL"] = $"{chat.Url} {hanging.Url}" }, TimeSpan.FromMinutes(8));

        await _deployment.AssertRolledBackAsync(before, run);
        var events = chat.Bodies.Select(body => JsonDocument.Parse(body).RootElement.GetProperty("event")).ToArray();
        Assert.Equal(["nexplane.upgrade.started", "nexplane.upgrade.rolled_back"], events.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal("StartBackend", events[1].GetProperty("step").GetString());
        Assert.StartsWith("rolled back and healthy on 0.2.0", events[1].GetProperty("outcome").GetString());
        Assert.Contains("webhook 2 (127.0.0.1) was not notified of RolledBack: no answer within 2 s (--webhook-timeout)", run.Output);
    }
}
