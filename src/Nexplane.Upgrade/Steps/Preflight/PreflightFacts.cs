using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Releases;

namespace Nexplane.Upgrade.Steps.Preflight;

/// <summary>The deployment's compose file and .env as compose reads them, with the environment that overrides the .env.</summary>
public sealed record DeploymentFiles(ComposeDocument Compose, DotEnvFile EnvFile, Func<string, string?> EnvironmentVariable);

/// <summary>One service's containers, or why they are not this deployment's (another compose file created one).</summary>
public sealed record ServiceContainers(string Service, IReadOnlyList<ServiceContainer> Containers, string? ForeignProblem = null);

/// <summary>What the Docker engine shows of the deployment's services; <see cref="DockerProblem"/> when it does not answer.</summary>
public sealed record ContainerFacts(IReadOnlyList<ServiceContainers> Services, string? DockerProblem = null);

/// <summary>The version the running backend reports, or why none could be read.</summary>
public sealed record RunningVersion(ReportedVersion? Reported, string? Problem = null);

/// <summary>
/// The release notes Preflight reads: the versions published, the digests of the releases on the path (current,
/// target], those after the target, and where they came from; <see cref="Problem"/> when they could not be read.
/// </summary>
public sealed record ReleaseFacts(
    IReadOnlyCollection<NexplaneVersion> Known,
    IReadOnlyList<ReleaseDigest> OnPath,
    IReadOnlyList<ReleaseDigest> AfterTarget,
    string Source,
    string? Problem = null)
{
    public static ReleaseFacts Unreadable(string problem) => new([], [], [], "", problem);
}

/// <summary>
/// Every release there is to choose from for <c>--version latest</c>, and where they are listed ("published release of
/// owner/name", "release in notes.md"); <see cref="Problem"/> when they could not be read.
/// </summary>
public sealed record PublishedReleases(IReadOnlyList<PublishedRelease> Releases, string Source, string? Problem = null);

/// <summary>What the image registry answered for one image: its manifest digest, none (no such tag), or a problem.</summary>
public sealed record RegistryAnswer(string? Digest, string? Problem = null);

/// <summary>The image one service would move to, and what its registry said of it.</summary>
public sealed record ImageLookup(string Service, ImageReference From, ImageReference To, RegistryAnswer Answer);

/// <summary>
/// What the database shows with the deployment's credentials, or why it could not be reached (<see cref="Problem"/>:
/// then nothing else is known of it). <see cref="KeptProblem"/> says why the databases left by earlier restores
/// could not be listed.
/// </summary>
public sealed record DatabaseFacts(long SizeBytes, IReadOnlyList<string> AlembicRevisions, IReadOnlyList<KeptDatabase> Kept, string? KeptProblem = null)
{
    public string? Problem { get; init; }

    public static DatabaseFacts Unreachable(string problem) => new(0, [], []) { Problem = problem };
}

/// <summary>
/// Everything Preflight read of the deployment and around it, in one place: its gates (<see cref="PreflightGates"/>)
/// judge these facts and nothing else. A fact that was not read (no running version to log in on, no agent upgrade
/// to check) is null.
/// </summary>
public sealed record PreflightFacts
{
    public required NexplaneVersion Target { get; init; }
    public required DeploymentFiles Files { get; init; }
    public required ContainerFacts Containers { get; init; }
    public required RunningVersion Running { get; init; }
    public VerificationGate? Login { get; init; }
    public ReleaseFacts? Releases { get; init; }
    public AgentPreflightResult? Agents { get; init; }
    public IReadOnlyList<ImageLookup> Images { get; init; } = [];
    /// <summary>The backend's image at each stop on the way (<see cref="UpgradePath.Stops"/>), and what its registry said.</summary>
    public IReadOnlyList<(NexplaneVersion Stop, ImageLookup Image)> StopImages { get; init; } = [];
    public required DatabaseFacts Database { get; init; }
    /// <summary>Free bytes where the backup goes; read only once the database's size is known.</summary>
    public long? FreeBackupBytes { get; init; }

    public NexplaneVersion? Current => Running.Reported?.Version;
}
