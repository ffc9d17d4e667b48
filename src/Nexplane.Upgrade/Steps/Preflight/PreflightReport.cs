using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Releases;

namespace Nexplane.Upgrade.Steps.Preflight;

/// <summary>The image one service moves from and to.</summary>
public sealed record ServiceUpgrade(string Service, ImageReference From, ImageReference To, string? ToDigest);

/// <summary>A stop on the way to the target: its version, and the backend's image there (the one service that runs at a stop).</summary>
public sealed record UpgradeStop(NexplaneVersion Version, ServiceUpgrade Backend);

/// <summary>What Preflight found. The upgrade may start only when <see cref="Failures"/> is empty.</summary>
public sealed record PreflightReport
{
    public NexplaneVersion? Current { get; init; }
    public required NexplaneVersion Target { get; init; }
    public UpgradePath? Path { get; init; }
    public IReadOnlyList<ServiceUpgrade> Services { get; init; } = [];
    /// <summary>The stops on the way, oldest first; empty for an upgrade in one hop.</summary>
    public IReadOnlyList<UpgradeStop> Stops { get; init; } = [];
    public IReadOnlyList<string> Notices { get; init; } = [];
    public IReadOnlyList<UpgradeGateFailure> Failures { get; init; } = [];
    public long? DatabaseSizeBytes { get; init; }
    public IReadOnlyList<string> AlembicRevisions { get; init; } = [];
    /// <summary>Databases earlier restores left on the db server (rolled-back upgrades' data, unfinished restores).</summary>
    public IReadOnlyList<Database.KeptDatabase> KeptDatabases { get; init; } = [];
    /// <summary>The hosts the agent step will upgrade (empty when it will not run).</summary>
    public IReadOnlyList<AgentHost> AgentHosts { get; init; } = [];
    /// <summary>The verified agent binaries, one per platform of those hosts.</summary>
    public IReadOnlyList<AgentBinary> AgentBinaries { get; init; } = [];

    public bool CanUpgrade => Failures.Count == 0;
}
