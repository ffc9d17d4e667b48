using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Steps.Preflight;
using static Nexplane.Upgrade.Tests.Steps.Preflight.PreflightSample;

namespace Nexplane.Upgrade.Tests.Steps.Preflight;

/// <summary>Preflight's findings kept in the journal, so a resumed upgrade moves to exactly the same images.</summary>
public sealed class ResumedPreflightTests : IDisposable
{
    readonly string _directory = Directory.CreateTempSubdirectory("resumed-preflight-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    UpgradeJournal NewJournal()
    {
        var compose = Path.Combine(_directory, "docker-compose.yml");
        File.WriteAllText(compose, "services: {}\n");
        return UpgradeJournal.Create(_directory, "u1", compose);
    }

    [Fact]
    public void A_resumed_run_continues_with_the_versions_images_and_revisions_the_interrupted_one_found()
    {
        var journal = NewJournal();
        var report = new PreflightReport
        {
            Current = V("0.2.0"),
            Target = V("0.3.0"),
            Path = new UpgradePath(V("0.2.0"), V("0.3.0"), [Release("0.3.0", agentUpgrade: true, migrations: ["`003_agents`: new table"])]),
            Services = [new ServiceUpgrade("backend", ImageReference.Parse("registry.local/nexplane-backend:0.2.0"),
                ImageReference.Parse("registry.local/nexplane-backend:0.3.0"), "sha256:b")],
            AlembicRevisions = ["002_asset_tags", "002_branch"],
        };

        // The versions are the run's record's (UpgradeRun.RecordPreflight appends them); the rest is Preflight's to record.
        journal.Record.Append(new VersionsChosen("0.2.0", "0.3.0"));
        ResumedPreflight.Record(journal, report);
        var resumed = ResumedPreflight.FromJournal(UpgradeJournal.Load(journal.FilePath));

        Assert.Equal((V("0.2.0"), V("0.3.0")), (resumed.Current, resumed.Target));
        var service = Assert.Single(resumed.Services);
        Assert.Equal(("backend", "registry.local/nexplane-backend:0.2.0", "registry.local/nexplane-backend:0.3.0"),
            (service.Service, service.From.ToString(), service.To.ToString()));
        Assert.Equal(["002_asset_tags", "002_branch"], resumed.AlembicRevisions);
        Assert.True(journal.AnnouncesMigrations);
        Assert.True(journal.AgentUpgradeRequired);
    }

    [Fact]
    public void A_journal_without_Preflights_findings_is_refused()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => ResumedPreflight.FromJournal(NewJournal()));

        Assert.EndsWith("lacks Preflight's findings; run Preflight again.", exception.Message);
    }
}
