namespace Nexplane.Upgrade;

/// <summary>
/// The tool's parameters that its messages name (advice such as "Check --database-user"). How the operator spells each
/// on the command line belongs to the parameter layer: the build installs its spelling at start
/// (<see cref="Settings.SpellWith"/>) and checks that every member names one of its parameters.
/// </summary>
public enum Setting
{
    AcceptBreakingChanges,
    AcceptDifferences,
    AgentHostsFile,
    AgentSshKeyPassphrase,
    ApiUrl,
    AppServices,
    BackupAfterStop,
    BackupDirectory,
    BackupFile,
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
}

/// <summary>How the operator names a <see cref="Setting"/> and a target, as the build spells them.</summary>
public static class Settings
{
    // Until the build installs its spelling (unit tests, tools): NUKE's rule for these names, GitHub kept as one word.
    static Func<string, string> _flagOf = name =>
        "--" + string.Concat(name.Replace("GitHub", "Github").Select((c, i) =>
            char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    static string _buildCommand = "./build.sh";

    /// <summary>Installs the build's spelling: <paramref name="flagOf"/> turns a parameter's name into its flag.</summary>
    public static void SpellWith(Func<string, string> flagOf, string buildCommand)
    {
        _flagOf = flagOf;
        _buildCommand = buildCommand;
    }

    /// <summary>The setting's command-line flag, e.g. <c>--database-user</c>.</summary>
    public static string Flag(this Setting setting) => _flagOf(setting.ToString());

    /// <summary>The command that runs <paramref name="target"/>, e.g. <c>./build.sh Rollback</c>.</summary>
    public static string Command(string target) => $"{_buildCommand} {target}";
}
