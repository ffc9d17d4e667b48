using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Steps.Agents;
using Nexplane.Upgrade.Tests.Runs;

namespace Nexplane.Upgrade.Tests.Steps.Agents;

/// <summary>Verify's report of the agents older than the control plane, with the control plane's answers given as data.</summary>
public sealed class OutdatedAgentsReportTests
{
    readonly RecordedOutput _output = new();
    static readonly NexplaneVersion Target = NexplaneVersion.Parse("0.4.0");

    Task ReportAsync(RecordedAgentHosts controlPlane) =>
        new OutdatedAgentsReport(_output).ReportAsync(Target, "The Agents step upgrades them next.", controlPlane, CancellationToken.None);

    [Fact]
    public async Task Verify_reports_agents_older_than_the_control_plane_and_what_happens_to_them()
    {
        await ReportAsync(new RecordedAgentHosts([new RegisteredAgent(1, "web-01", "linux", "0.3.0", null), new RegisteredAgent(2, "web-02", "linux", "0.4.0", null)]));

        var warning = Assert.Single(_output.Lines);
        Assert.StartsWith("WRN Agents: 1 of 2 registered agent(s) run a version older than the control plane (0.4.0)", warning);
        Assert.EndsWith("The Agents step upgrades them next.", warning);
        Assert.Equal("1", _output.Summary["Outdated agents"]);
    }

    [Fact]
    public async Task Agents_all_on_the_new_version_are_counted()
    {
        await ReportAsync(new RecordedAgentHosts([new RegisteredAgent(1, "web-01", "linux", "0.4.0", null)]));

        Assert.Equal(["INF Agents: all 1 registered agent(s) run 0.4.0 or newer"], _output.Lines);
        Assert.Equal("0", _output.Summary["Outdated agents"]);
    }

    [Fact]
    public async Task Without_a_login_there_is_nothing_to_report()
    {
        var controlPlane = new RecordedAgentHosts([]) { LoginPasses = false };

        await ReportAsync(controlPlane);

        Assert.Empty(_output.Lines);
        Assert.Empty(controlPlane.Calls);
    }

    [Fact]
    public async Task An_unreadable_agent_list_is_a_warning_never_a_failed_Verify()
    {
        await ReportAsync(new RecordedAgentHosts([]) { AgentListFailure = new System.Text.Json.JsonException("'<' is an invalid start of a value.") });

        Assert.Equal(["WRN Agents: the agent list could not be read ('<' is an invalid start of a value.); agent versions are not checked"], _output.Lines);
    }

    [Fact]
    public async Task An_agent_list_that_times_out_is_a_warning_never_a_failed_Verify()
    {
        await ReportAsync(new RecordedAgentHosts([]) { AgentListFailure = new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout of 5 seconds elapsing.") });

        Assert.Equal(["WRN Agents: the agent list could not be read (The request was canceled due to the configured HttpClient.Timeout of 5 seconds elapsing.); " +
                      "agent versions are not checked"], _output.Lines);
    }

    [Fact]
    public async Task The_runs_own_cancellation_is_not_taken_for_a_timeout()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var controlPlane = new RecordedAgentHosts([]) { AgentListFailure = new TaskCanceledException("cancelled", null, cancelled.Token) };

        await Assert.ThrowsAsync<TaskCanceledException>(() =>
            new OutdatedAgentsReport(_output).ReportAsync(Target, "", controlPlane, cancelled.Token));
        Assert.Empty(_output.Lines);
    }
}
