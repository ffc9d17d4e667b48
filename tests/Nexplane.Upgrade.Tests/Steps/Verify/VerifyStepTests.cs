using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Steps.Verify;
using Nexplane.Upgrade.Tests.Runs;

namespace Nexplane.Upgrade.Tests.Steps.Verify;

/// <summary>Verify as the step judges it, with the deployment and the control plane answering as told.</summary>
public sealed class VerifyStepTests
{
    readonly RecordedOutput _output = new();
    static readonly NexplaneVersion Target = NexplaneVersion.Parse("0.4.0");

    sealed class Gates(params VerificationGate[] gates) : IDeploymentVerification
    {
        public Task<IReadOnlyList<VerificationGate>> VerifyAsync(NexplaneVersion version, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<VerificationGate>>(gates);
    }

    /// <summary>A control plane that logs in (or not) and lists the agents it is given.</summary>
    sealed class ControlPlane(bool loginWorks, params RegisteredAgent[] agents) : IControlPlane
    {
        public Task<(VerificationGate Gate, string? Token)> LogInAsync(CancellationToken cancellationToken) =>
            Task.FromResult((new VerificationGate("login", loginWorks, loginWorks ? "token received" : "401"), loginWorks ? "token" : null));

        public Task<IReadOnlyList<RegisteredAgent>> RegisteredAgentsAsync(string token, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<RegisteredAgent>>(agents);
    }

    Task<IReadOnlyList<VerificationGate>> VerifyAsync(IDeploymentVerification deployment, IControlPlane controlPlane, string whatNext = "") =>
        new VerifyStep(_output).RunAsync(new VerifyInput(Target, whatNext), deployment, controlPlane, CancellationToken.None);

    [Fact]
    public async Task A_failed_gate_fails_Verify_after_every_gate_is_shown()
    {
        var deployment = new Gates(new VerificationGate("version", false, "reports 0.3.0"), new VerificationGate("login", true, "token received"));

        var exception = await Assert.ThrowsAsync<VerificationFailedException>(() => VerifyAsync(deployment, new ControlPlane(true)));

        Assert.StartsWith("Verify failed 1 of 2 gate(s); the deployment does not run 0.4.0 correctly:", exception.Message);
        Assert.Contains("version: reports 0.3.0", exception.Message);
        Assert.DoesNotContain("token received", exception.Message);
        Assert.Contains("INF [ok] login: token received", _output.Lines);
        Assert.Equal("1/2 passed", _output.Summary["Gates"]);
        // Every gate it judged comes with the failure, for a rehearsal's report.
        Assert.Equal(["version", "login"], exception.Gates.Select(g => g.Name));
    }

    [Fact]
    public async Task Passing_gates_pass_and_say_so()
    {
        var gates = await VerifyAsync(new Gates(new VerificationGate("version", true, "0.4.0"), new VerificationGate("assets", true, "3 assets")), new ControlPlane(true));

        Assert.Equal(["version", "assets"], gates.Select(g => g.Name));
        Assert.Equal("2/2 passed", _output.Summary["Gates"]);
        Assert.Equal("0", _output.Summary["Outdated agents"]);
    }

    [Fact]
    public async Task Agents_older_than_the_control_plane_are_reported_with_what_happens_to_them()
    {
        var controlPlane = new ControlPlane(true, new RegisteredAgent(1, "web-01", "linux", "0.3.0", null), new RegisteredAgent(2, "web-02", "linux", "0.4.0", null));

        await VerifyAsync(new Gates(), controlPlane, "The Agents step upgrades them next.");

        var warning = Assert.Single(_output.Lines, line => line.StartsWith("WRN"));
        Assert.StartsWith("WRN Agents: 1 of 2 registered agent(s) run a version older than the control plane (0.4.0)", warning);
        Assert.Contains("web-01", warning);
        Assert.DoesNotContain("web-02", warning);
        Assert.EndsWith("The Agents step upgrades them next.", warning);
        Assert.Equal("1", _output.Summary["Outdated agents"]);
    }

    [Fact]
    public async Task Without_a_login_the_agents_are_not_checked_and_Verify_still_judges_its_gates()
    {
        await VerifyAsync(new Gates(new VerificationGate("version", true, "0.4.0")), new ControlPlane(false, new RegisteredAgent(1, "web-01", "linux", "0.3.0", null)));

        Assert.DoesNotContain(_output.Lines, line => line.Contains("Agents:"));
        Assert.False(_output.Summary.ContainsKey("Outdated agents"));
        Assert.Equal("1/1 passed", _output.Summary["Gates"]);
    }
}
