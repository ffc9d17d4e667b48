namespace Nexplane.Upgrade.Releases;

/// <summary>
/// What an operator must know about one release before upgrading through it, extracted from its notes.
/// Nexplane's notes carry no machine-readable markers, so this is a lenient reading of headings and bullets, or of
/// commit bullets and operator prose (see <see cref="ReleaseNotesParser"/>).
/// </summary>
public sealed record ReleaseDigest(
    NexplaneVersion Version,
    IReadOnlyList<string> BreakingChanges,
    IReadOnlyList<string> MigrationSteps,
    IReadOnlyList<string> EnvironmentVariables,
    bool AgentUpgradeRequired,
    NexplaneVersion? MinCompatibleVersion,
    string? Severity)
{
    public bool HasBreakingChanges => BreakingChanges.Count > 0;

    /// <summary>
    /// The Alembic revisions the migration bullets name, as the notes write them: a code span that opens the bullet
    /// and looks like a revision id (<c>`006_drop_legacy_flags`: new column ...</c>). Bullets that do not start with
    /// one name none, so a bullet that merely mentions an older revision is not read as introducing it.
    /// </summary>
    public IReadOnlyList<string> MigrationRevisions => MigrationSteps
        .Select(step => System.Text.RegularExpressions.Regex.Match(step, @"^\s*`(?<revision>[A-Za-z0-9_]+)`"))
        .Where(match => match.Success)
        .Select(match => match.Groups["revision"].Value)
        .ToArray();
}
