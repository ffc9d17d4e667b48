using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Deployments;
using Nexplane.Upgrade.Steps.Preflight;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Steps.Rehearse;
using Nexplane.Upgrade.Tests.Steps.Backup;
using Nexplane.Upgrade.Tests.Operator;

namespace Nexplane.Upgrade.Tests.Steps.Rehearse;

/// <summary>
/// A deployment whose Preflight, database and throwaway copy answer as given: what Rehearse asked is recorded, a fresh
/// backup is written as <see cref="RecordedDatabaseBackup"/> writes it (its check passes at once).
/// </summary>
sealed class RecordedRehearsalDeployment(PreflightReport preflight, RehearsalReport rehearsal) : IRehearsalDeployment
{
    public static readonly DatabaseIdentity LiveDatabase = new("7000000000000000001", 16384, "nexplane");

    readonly RecordedDatabaseBackup _backups = new();

    public RecordedRehearsalDeployment() : this(Preflighted(), Rehearsed(passed: true))
    {
    }

    public Deployment Deployment { get; } = new()
    {
        ComposeFile = "/srv/nexplane/docker-compose.yml",
        EnvFile = "/srv/nexplane/.env",
        Project = new ComposeProjectName("nexplane", "test"),
        AppServices = ["backend"],
        ProtectedServices = ["db"],
        ComposeServices = ["db", "backend"],
        StopServices = ["backend"],
        BackendService = "backend",
        FrontendService = "frontend",
        DatabaseService = "db",
        Database = new DatabaseTarget("127.0.0.1", 5432, "nexplane", "nexplane", null),
        ApiUrl = new Uri("http://127.0.0.1:8000"),
        VersionEndpoints = [],
    };

    /// <summary>The calls in the order they were made.</summary>
    public List<string> Calls { get; } = [];

    public PreflightSettings? AskedPreflight { get; private set; }

    /// <summary>The archive the copy was loaded from.</summary>
    public string? RehearsedArchive { get; private set; }

    /// <summary>The newest archive a fresh backup wrote.</summary>
    public string? FreshBackup => _backups.Archive;

    public Task<PreflightReport> PreflightAsync(PreflightSettings preflightSettings, CancellationToken cancellationToken)
    {
        Calls.Add("preflight");
        AskedPreflight = preflightSettings;
        return Task.FromResult(preflight);
    }

    public Task<DatabaseIdentity> DatabaseIdentityAsync(CancellationToken cancellationToken) => Task.FromResult(LiveDatabase);

    public Task<IReadOnlyDictionary<string, long>> CaptureWriteCountersAsync(CancellationToken cancellationToken) =>
        _backups.CaptureWriteCountersAsync(cancellationToken);

    public Task<WrittenBackup> BackUpAsync(string nexplaneVersion, IReadOnlyDictionary<string, string> images, BackupPolicy policy,
        CancellationToken cancellationToken)
    {
        Calls.Add("back up");
        _backups.Verification.TrySetResult();
        return _backups.BackUpAsync(nexplaneVersion, images, policy, cancellationToken);
    }

    public Task<RehearsalReport> RehearseAsync(PreflightReport preflighted, string archive, string stateDirectory, CancellationToken cancellationToken)
    {
        Calls.Add("rehearse");
        RehearsedArchive = archive;
        return Task.FromResult(rehearsal);
    }

    /// <summary>What Preflight finds on a deployment that runs 0.2.0 and is asked for 0.3.0.</summary>
    public static PreflightReport Preflighted(params UpgradeGateFailure[] failures) => new()
    {
        Current = NexplaneVersion.Parse("0.2.0"),
        Target = NexplaneVersion.Parse("0.3.0"),
        Services = [new ServiceUpgrade("backend", ImageReference.Parse("registry/backend:0.2.0"), ImageReference.Parse("registry/backend:0.3.0"), null)],
        Failures = failures,
    };

    public static RehearsalReport Rehearsed(bool passed) => new()
    {
        Id = "r1", ComposeFile = "/srv/nexplane/docker-compose.yml", FromVersion = "0.2.0", ToVersion = "0.3.0",
        StartedAt = new DateTimeOffset(2026, 12, 6, 11, 0, 0, TimeSpan.Zero), FinishedAt = new DateTimeOffset(2026, 12, 6, 11, 0, 40, TimeSpan.Zero),
        Passed = passed, FailedStep = passed ? null : "StartBackend", Reason = passed ? null : "the container restarted 2 time(s).",
        FailureOutputFile = passed ? null : "/state/migration-output-r1.log",
        Migrations = [new RehearsedMigration("002", "003", "add tunnels", 0.25)],
        PredictedDowntime = passed ? new DowntimePrediction(0.5, 0.6, 1.2) : null,
    };

    /// <summary>Preflight's settings as the build gives them: the agents included, as an upgrade would check them.</summary>
    public PreflightSettings PreflightSettings(string backupDirectory) => new()
    {
        TargetVersion = "0.3.0",
        Deployment = Deployment,
        Releases = new ReleaseSettings("nexplane/nexplane"),
        Overrides = new UpgradePathOverrides(),
        Database = Deployment.Database,
        BackupDirectory = backupDirectory,
        Login = new LoginAccount("admin@example.com", null),
        Agents = new AgentSettings { UpgradeRequested = true },
        Advice = TestAdvice.Nuke,
    };
}
