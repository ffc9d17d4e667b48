using Nexplane.Upgrade.Operator;

namespace Nexplane.Upgrade.Steps.Rollback;

/// <summary>What a rollback needs to know beyond the journal.</summary>
/// <param name="ProtectedServices">Never stopped or started again (the database, the cache).</param>
/// <param name="FrontendService">Left alone unless the upgrade's Frontend step began.</param>
/// <param name="Advice">How the rollback names the agent hosts file and the commands a human runs next.</param>
/// <param name="IssueTracker">Where a failed migration is reported.</param>
/// <param name="AgentHostsFile">The file naming the agent hosts the upgrade may have moved; null when none is given.</param>
public sealed record RollbackSettings(
    IReadOnlyCollection<string> ProtectedServices,
    string FrontendService,
    OperatorAdvice Advice,
    string IssueTracker,
    string? AgentHostsFile = null)
{
    /// <summary>
    /// How long the rollback waits for transactions still in progress to end before it gives up the proof: a backend
    /// killed mid-migration leaves its transaction open until the server notices the closed connection.
    /// </summary>
    public TimeSpan InProgressSettleTime { get; init; } = TimeSpan.FromSeconds(5);
}
