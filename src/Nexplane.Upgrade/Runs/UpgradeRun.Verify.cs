using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Steps.Agents;
using Nexplane.Upgrade.Steps.Verify;
using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Releases;

namespace Nexplane.Upgrade.Runs;

/// <summary>VerifyMigrations and Verify: the database and the running deployment are where the upgrade says.</summary>
public sealed partial class UpgradeRun
{
    /// <summary>
    /// The database really is where the backend's log says: one Alembic head, the reported one, and it moved if the
    /// release notes said it would. <paramref name="verifyDatabase"/> reads alembic_version against the expectation.
    /// </summary>
    public async Task VerifyMigrationsAsync(Func<MigrationExpectation, CancellationToken, Task<string>> verifyDatabase, CancellationToken cancellationToken)
    {
        var expectation = new MigrationExpectation(MigrationHeadFromLogs, Preflight?.AlembicRevisions ?? [], AnnouncesMigrations);
        var head = await verifyDatabase(expectation, cancellationToken);
        output.Information("alembic_version holds the single head {Head}, as the backend reported", head);
        Report.MigrationHead = head;
        output.Summary("Head", head);
    }

    /// <summary>
    /// The new version's gates, each on its own line, and the agents older than it; fails with every failed gate.
    /// <paramref name="whatHappensToOutdatedAgents"/> tells the operator whether the tool deals with those agents.
    /// </summary>
    public async Task VerifyAsync(NexplaneVersion target, string whatHappensToOutdatedAgents, IDeploymentVerification deployment,
        IControlPlane controlPlane, CancellationToken cancellationToken)
    {
        var gates = LogGates(await deployment.VerifyAsync(target, cancellationToken));
        await new OutdatedAgentsReport(output).ReportAsync(target, whatHappensToOutdatedAgents, controlPlane, cancellationToken);
        var failed = gates.Where(g => !g.Passed).ToArray();
        output.Summary("Gates", $"{gates.Count - failed.Length}/{gates.Count} passed");
        if (failed.Length > 0)
            throw new InvalidOperationException(
                $"Verify failed {failed.Length} of {gates.Count} gate(s); the deployment does not run {target} correctly:" + Environment.NewLine +
                string.Join(Environment.NewLine, failed.Select(g => "  " + g)));
    }
}
