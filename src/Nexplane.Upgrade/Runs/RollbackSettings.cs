namespace Nexplane.Upgrade.Runs;

/// <summary>What a rollback needs to know beyond the journal.</summary>
/// <param name="ProtectedServices">Never stopped or started again (the database, the cache).</param>
/// <param name="FrontendService">Left alone unless the upgrade's Frontend step began.</param>
public sealed record RollbackSettings(IReadOnlyCollection<string> ProtectedServices, string FrontendService, OperatorCommands Commands);
