using Nexplane.Upgrade.Operator;

namespace Nexplane.Upgrade.Releases;

/// <summary>Where Nexplane's releases are read from: a GitHub repository, or (offline) a release notes file.</summary>
/// <param name="GitHubRepository">owner/name, e.g. youbetyourballs/nexplane; also where failed migrations are reported.</param>
/// <param name="GitHubApiUrl">The API server root; null for github.com.</param>
/// <param name="GitHubToken">A secret; null for public repositories.</param>
/// <param name="ReleaseNotesFile">Markdown notes used instead of GitHub's; the agent binaries still come from GitHub.</param>
public sealed record ReleaseSettings(string GitHubRepository, string? GitHubApiUrl = null, string? GitHubToken = null, string? ReleaseNotesFile = null)
{
    public GitHubReleaseSource GitHub(OperatorAdvice advice) => new(GitHubApiUrl, GitHubRepository, GitHubToken, advice);

    /// <summary>Where a failed migration is reported.</summary>
    public string IssueTracker => $"https://github.com/{GitHubRepository}/issues";
}
