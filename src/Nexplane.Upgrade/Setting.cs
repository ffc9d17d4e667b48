namespace Nexplane.Upgrade;

/// <summary>
/// The tool's parameters that its messages name (advice such as "Check --database-user"). How the operator spells each
/// on the command line belongs to the parameter layer: the build spells them in its one
/// <see cref="Operator.OperatorAdvice"/> and checks that every member names one of its parameters.
/// </summary>
public enum Setting
{
    AcceptBreakingChanges,
    AcceptDifferences,
    AgentEngine,
    AgentHostsFile,
    AgentInventory,
    AgentInventoryGroup,
    AgentSshKeyPassphrase,
    ApiUrl,
    AppServices,
    BackupAfterStop,
    BackupDirectory,
    BackupFile,
    ComposeCommand,
    ComposeFile,
    ComposeProject,
    DatabaseHost,
    DatabaseName,
    DatabasePassword,
    DatabasePort,
    DatabaseService,
    DatabaseUser,
    ForceDowngrade,
    GitHubApiUrl,
    GitHubToken,
    HealthTimeout,
    LoginEmail,
    LoginPassword,
    LoginPasswordVariable,
    MigrationTimeout,
    RehearsalBackupMaxAge,
    ReleaseNotesFile,
    RemoveStaleLock,
    RequireRehearsal,
    Resume,
    SkipAgents,
    StabilityWindow,
    StopServices,
    StopTimeout,
    TagFormat,
    UpgradeAgents,
    UpgradeId,
    Version,
    VersionEndpoints,
    Via,
}
