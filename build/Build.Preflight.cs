using Nuke.Common;
using Nuke.Common.IO;

partial class Build
{
    [Parameter("GitHub repository that publishes Nexplane's releases (owner/name)")]
    readonly string GitHubRepository = "youbetyourballs/nexplane";

    [Parameter("GitHub API server root (github.com, a GitHub Enterprise server, or the sandbox's local API)")]
    readonly string? GitHubApiUrl;

    [Parameter("GitHub token for reading releases (optional for public repositories)")]
    [Secret]
    readonly string? GitHubToken;

    [Parameter("Markdown release notes to use instead of GitHub, for offline upgrades")]
    readonly AbsolutePath? ReleaseNotesFile;

    [Parameter("Accept the breaking changes the release notes announce (required in non-interactive runs)")]
    readonly bool AcceptBreakingChanges;

    [Parameter("Allow a downgrade to an older version (restoring a backup is the safer way back)")]
    readonly bool ForceDowngrade;

    [Parameter("Version endpoints tried in order: '<path>' for plain text or '<path>#<json field>'")]
    readonly string[] VersionEndpoints = ["/health#version", "/downloads/version", "/version#version"];

    [Parameter("Tag format of the images: 'plain' (0.3.0), 'v' (v0.3.0) or 'detect' from the current tag")]
    readonly string TagFormat = "detect";

    /// <summary>Read-only: the runbook's "before you start", checked for the operator. Changes nothing.</summary>
    Target Preflight => _ => _
        .Description("Checks the release notes, the upgrade path and the deployment; changes nothing")
        .Requires(() => Version)
        .Executes(() => NotImplementedYet(nameof(Preflight)));
}
