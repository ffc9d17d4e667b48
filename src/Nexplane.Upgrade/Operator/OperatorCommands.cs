namespace Nexplane.Upgrade.Operator;

/// <summary>
/// The commands an operator runs next, as the build spells them; the run and the steps name them in their advice without knowing
/// the command line.
/// </summary>
/// <param name="Rollback">Retries a rollback, e.g. <c>./build.sh Rollback</c>.</param>
/// <param name="RestoreBackup">Restores a backup alone, followed by the file, e.g. <c>./build.sh Restore --backup-file</c>.</param>
/// <param name="Status">Shows the deployment and any unfinished upgrade.</param>
/// <param name="IssueTracker">Where a failed migration is reported.</param>
/// <param name="Upgrade">Starts an upgrade, followed by the version, e.g. <c>./build.sh Upgrade --version</c>.</param>
/// <param name="ResumeOption">Added to <paramref name="Upgrade"/> to continue an interrupted upgrade.</param>
public sealed record OperatorCommands(string Rollback, string RestoreBackup, string Status, string IssueTracker,
    string Upgrade, string ResumeOption);
