using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Releases;

namespace Nexplane.Upgrade.Preflight;

/// <summary>How the image tags of this deployment are spelled: 0.3.0, v0.3.0, or as the running tags are.</summary>
public enum TagFormat { Detect, Plain, V }

/// <summary>Everything Preflight needs to know about the deployment and the requested upgrade.</summary>
public sealed record PreflightSettings
{
    public required string TargetVersion { get; init; }
    public required string ComposeFile { get; init; }
    public string? EnvFile { get; init; }
    /// <summary>The compose project as compose resolves it; its containers must come from <see cref="ComposeFile"/>.</summary>
    public required string ComposeProject { get; init; }
    public required IReadOnlyList<string> AppServices { get; init; }
    public required IReadOnlyList<string> ProtectedServices { get; init; }
    public required Uri ApiUrl { get; init; }
    public required IReadOnlyList<VersionEndpoint> VersionEndpoints { get; init; }
    public required string GitHubRepository { get; init; }
    public string? GitHubApiUrl { get; init; }
    public string? GitHubToken { get; init; }
    public string? ReleaseNotesFile { get; init; }
    public required UpgradePathOverrides Overrides { get; init; }
    public required DatabaseTarget Database { get; init; }
    public required string BackupDirectory { get; init; }
    public TagFormat TagFormat { get; init; } = TagFormat.Detect;

    /// <summary>The account Verify logs in with after the upgrade; Preflight tries it first on the running version.</summary>
    public required string LoginEmail { get; init; }

    public string? LoginPassword { get; init; }

    /// <summary>The agent hosts file (JSON) the agent step upgrades; checked when the release requires an agent upgrade.</summary>
    public string? AgentHostsFile { get; init; }

    /// <summary>The operator upgrades the agents by hand: a required agent upgrade does not stop the upgrade.</summary>
    public bool SkipAgents { get; init; }

    /// <summary>Upgrade the agents even though no release on the path requires it.</summary>
    public bool UpgradeAgents { get; init; }

    /// <summary>Where verified agent binaries are kept between Preflight and the agent step.</summary>
    public string AgentBinaryCacheDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "nexplane-agent-binaries");

    public string? AgentSshKeyPassphrase { get; init; }

    public TimeSpan AgentConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
