using Nexplane.Upgrade.Operator;

namespace Nexplane.Upgrade.Runs;

/// <summary>What a rollback needs to know beyond the journal.</summary>
/// <param name="ProtectedServices">Never stopped or started again (the database, the cache).</param>
/// <param name="FrontendService">Left alone unless the upgrade's Frontend step began.</param>
/// <param name="AgentHostsFile">The file naming the agent hosts the upgrade may have moved; null when none is given.</param>
/// <param name="AgentHostsFileOption">How the operator names that file, for the advice when it is missing.</param>
public sealed record RollbackSettings(
    IReadOnlyCollection<string> ProtectedServices,
    string FrontendService,
    OperatorCommands Commands,
    string? AgentHostsFile = null,
    string AgentHostsFileOption = "the agent hosts file");
