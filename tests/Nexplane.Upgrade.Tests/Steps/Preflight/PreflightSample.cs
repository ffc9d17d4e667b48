using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Deployments;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Steps.Preflight;
using Nexplane.Upgrade.Tests.Operator;

namespace Nexplane.Upgrade.Tests.Steps.Preflight;

/// <summary>A deployment on 0.2.0 asked to go to 0.3.0, and what Preflight reads of it when all is well, as data.</summary>
static class PreflightSample
{
    public const string ComposeText = """
        services:
          db:
            image: postgres:16-alpine
          redis:
            image: redis:7
          backend:
            image: registry.local/nexplane-backend:${NEXPLANE_TAG}
            environment:
              DATABASE_URL: postgres://db/nexplane
          worker:
            image: registry.local/nexplane-backend:${NEXPLANE_TAG}
          frontend:
            image: registry.local/nexplane-frontend:0.2.0
        """;

    public static NexplaneVersion V(string version) => NexplaneVersion.Parse(version);

    public static DeploymentFiles Files(string composeText = ComposeText, string envText = "NEXPLANE_TAG=0.2.0\n",
        IReadOnlyDictionary<string, string>? environment = null) =>
        new(ComposeDocument.Parse("/deploy/docker-compose.yml", composeText), DotEnvFile.Parse("/deploy/.env", envText),
            name => environment?.GetValueOrDefault(name));

    public static readonly Deployment Deployment = new()
    {
        ComposeFile = "/deploy/docker-compose.yml",
        EnvFile = "/deploy/.env",
        Project = new ComposeProjectName("nexplane", "the compose file's directory"),
        AppServices = ["backend", "worker", "frontend"],
        ProtectedServices = ["db", "redis"],
        ComposeServices = ["db", "redis", "backend", "worker", "frontend"],
        StopServices = ["backend", "worker"],
        BackendService = "backend",
        FrontendService = "frontend",
        DatabaseService = "db",
        Database = new DatabaseTarget("127.0.0.1", 5432, "nexplane", "nexplane", "secret"),
        ApiUrl = new Uri("http://127.0.0.1:8000/"),
        VersionEndpoints = [new VersionEndpoint("/health", "version")],
    };

    public static readonly PreflightSettings SampleSettings = new()
    {
        TargetVersion = "0.3.0",
        Deployment = Deployment,
        Releases = new ReleaseSettings("youbetyourballs/nexplane"),
        Overrides = new UpgradePathOverrides(),
        Database = Deployment.Database,
        BackupDirectory = "/backups",
        Login = new LoginAccount("admin@example.com", "password"),
        Agents = new AgentSettings(),
        Advice = TestAdvice.Nuke,
    };

    public static ReleaseDigest Release(string version, bool agentUpgrade = false, string[]? migrations = null, string[]? environment = null,
        string[]? breaking = null) =>
        new(V(version), breaking ?? [], migrations ?? [], environment ?? [], agentUpgrade, null, null);

    public static ServiceContainer Running(string service, string image) =>
        new($"{service}-id", $"nexplane-{service}-1", service, image, "sha256:image", "running", null, 0, null);

    public static readonly ContainerFacts OwnContainers = new(
    [
        new ServiceContainers("db", [Running("db", "postgres:16-alpine")]),
        new ServiceContainers("redis", [Running("redis", "redis:7")]),
        new ServiceContainers("backend", [Running("backend", "registry.local/nexplane-backend:0.2.0")]),
        new ServiceContainers("worker", [Running("worker", "registry.local/nexplane-backend:0.2.0")]),
        new ServiceContainers("frontend", [Running("frontend", "registry.local/nexplane-frontend:0.2.0")]),
    ]);

    public static readonly RunningVersion On020 = new(new ReportedVersion(V("0.2.0"), new VersionEndpoint("/health", "version")));

    public static ImageLookup Found(string service, string from, string to) =>
        new(service, ImageReference.Parse(from), ImageReference.Parse(to), new RegistryAnswer("sha256:" + service));

    /// <summary>Everything as it should be: Preflight finds nothing to refuse.</summary>
    public static PreflightFacts Facts() => new()
    {
        Target = V("0.3.0"),
        Files = Files(),
        Containers = OwnContainers,
        Running = On020,
        Login = new VerificationGate("login", true, "admin@example.com logged in"),
        Releases = new ReleaseFacts([V("0.1.0"), V("0.2.0"), V("0.3.0")], [Release("0.3.0", migrations: ["`003_agents`: new table"])], [],
            "1 release(s) after 0.2.0 up to 0.3.0 from youbetyourballs/nexplane"),
        Images =
        [
            Found("backend", "registry.local/nexplane-backend:0.2.0", "registry.local/nexplane-backend:0.3.0"),
            Found("worker", "registry.local/nexplane-backend:0.2.0", "registry.local/nexplane-backend:0.3.0"),
            Found("frontend", "registry.local/nexplane-frontend:0.2.0", "registry.local/nexplane-frontend:0.3.0"),
        ],
        Database = new DatabaseFacts(100L * 1024 * 1024, ["002_asset_tags"], []),
        FreeBackupBytes = 10L * 1024 * 1024 * 1024,
    };
}
