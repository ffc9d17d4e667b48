namespace Nexplane.Upgrade.Releases;

/// <summary>
/// What an operator must know about one release before upgrading through it, extracted from its notes.
/// Nexplane's notes carry no machine-readable markers, so this is a lenient reading of headings and bullets.
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
}
