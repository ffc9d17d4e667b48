using System.Text.RegularExpressions;

namespace Nuke.Common.Hosts;

/// <summary>
/// GitLab CI (<c>GITLAB_CI</c> set): each target in a collapsible section (<c>section_start</c>/<c>section_end</c>
/// markers, https://docs.gitlab.com/ci/jobs/job_logs/#custom-collapsible-sections). Sections stay expanded, so a
/// failed step's output is on screen without a click. GitLab has no annotations: warnings stay log lines.
/// </summary>
public sealed partial class GitLabHost(Func<DateTimeOffset>? clock = null) : BuildHost
{
    const string EraseLine = "\u001b[0K";

    readonly Func<DateTimeOffset> _clock = clock ?? (() => DateTimeOffset.UtcNow);

    public override string Name => "GitLab";

    public override bool IsServer => true;

    public override IReadOnlyList<string> TargetStart(string target) =>
        [$"{EraseLine}section_start:{_clock().ToUnixTimeSeconds()}:{SectionName(target)}\r{EraseLine}{target}"];

    public override IReadOnlyList<string> TargetEnd(string target) =>
        [$"{EraseLine}section_end:{_clock().ToUnixTimeSeconds()}:{SectionName(target)}\r{EraseLine}"];

    /// <summary>GitLab accepts letters, digits, '_', '.' and '-' in a section's name; the start and end must match.</summary>
    public static string SectionName(string target) => "target_" + UnsafeCharacters().Replace(target.ToLowerInvariant(), "_");

    [GeneratedRegex("[^a-z0-9_.-]")]
    private static partial Regex UnsafeCharacters();
}
