using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Steps.VerifyMigrations;

namespace Nexplane.Upgrade.Runs;

/// <summary>VerifyMigrations (Steps/VerifyMigrations): the run hands it what StartBackend and Preflight found, and keeps the head.</summary>
public sealed partial class UpgradeRun
{
    public async Task VerifyMigrationsAsync(IMigratedDatabase database, CancellationToken cancellationToken)
    {
        var expectation = new MigrationExpectation(MigrationHeadFromLogs, Preflight?.AlembicRevisions ?? [], AnnouncesMigrations);
        Record.Append(new MigrationsVerified(await new VerifyMigrationsStep(output).RunAsync(expectation, database, cancellationToken)));
    }
}
