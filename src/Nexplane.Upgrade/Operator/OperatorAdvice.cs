namespace Nexplane.Upgrade.Operator;

/// <summary>
/// How advice names what the operator types: a <see cref="Setting"/>'s flag and the command that runs a target, spelled
/// as the build takes them. The build creates the one value (and checks that every setting is one of its parameters);
/// whatever names a flag or a command is given it, so no message guesses the command line.
/// </summary>
/// <param name="flagOf">Turns a parameter's name into its flag, e.g. <c>DatabaseUser</c> into <c>--database-user</c>.</param>
/// <param name="buildCommand">What runs the build, e.g. <c>./build.sh</c>.</param>
public sealed class OperatorAdvice(Func<string, string> flagOf, string buildCommand)
{
    /// <summary>The setting's command-line flag, e.g. <c>--database-user</c>.</summary>
    public string Flag(Setting setting) => flagOf(setting.ToString());

    /// <summary>The command that runs <paramref name="target"/>, e.g. <c>./build.sh Rollback</c>.</summary>
    public string Command(string target) => $"{buildCommand} {target}";

    /// <summary>Retries a rollback, e.g. <c>./build.sh Rollback</c>.</summary>
    public string Rollback => Command("Rollback");

    /// <summary>Restores a backup alone, followed by the file, e.g. <c>./build.sh Restore --backup-file</c>.</summary>
    public string RestoreBackup => $"{Command("Restore")} {Flag(Setting.BackupFile)}";

    /// <summary>Shows the deployment and any unfinished upgrade.</summary>
    public string Status => Command("Status");

    /// <summary>Starts an upgrade, followed by the version, e.g. <c>./build.sh Upgrade --version</c>.</summary>
    public string Upgrade => $"{Command("Upgrade")} {Flag(Setting.Version)}";

    /// <summary>Added to <see cref="Upgrade"/> to continue an interrupted upgrade.</summary>
    public string ResumeOption => Flag(Setting.Resume);
}
