using Nexplane.Upgrade.Steps.Verify;
using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Runs;
using Nexplane.Upgrade.Tests.Steps.Agents;

namespace Nexplane.Upgrade.Tests.Runs;

/// <summary>VerifyMigrations and Verify as the run judges them, with the database and the deployment answering as told.</summary>
public sealed class UpgradeRunVerifyTests
{
    readonly RecordedOutput _output = new();

    sealed class Gates(params VerificationGate[] gates) : IDeploymentVerification
    {
        public Task<IReadOnlyList<VerificationGate>> VerifyAsync(NexplaneVersion version, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<VerificationGate>>(gates);
    }

    [Fact]
    public async Task VerifyMigrations_checks_the_database_against_the_head_the_log_reported()
    {
        var run = new UpgradeRun(_output) { MigrationHeadFromLogs = "006" };
        MigrationExpectation? asked = null;

        await run.VerifyMigrationsAsync((expectation, _) => { asked = expectation; return Task.FromResult("006"); }, CancellationToken.None);

        Assert.Equal("006", asked?.HeadFromLogs);
        Assert.Equal("006", run.Report.MigrationHead);
        Assert.Equal("006", _output.Summary["Head"]);
    }

    [Fact]
    public async Task A_failed_gate_fails_Verify_after_every_gate_is_shown()
    {
        var run = new UpgradeRun(_output);
        var deployment = new Gates(new VerificationGate("version", false, "reports 0.3.0"), new VerificationGate("login", true, "token received"));

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            run.VerifyAsync(NexplaneVersion.Parse("0.4.0"), "", deployment, new RecordedAgentHosts([]), CancellationToken.None));

        Assert.StartsWith("Verify failed 1 of 2 gate(s); the deployment does not run 0.4.0 correctly:", exception.Message);
        Assert.Contains("INF [ok] login: token received", _output.Lines);
        Assert.Equal("1/2 passed", _output.Summary["Gates"]);
    }
}
