using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Runbook;

namespace Nexplane.Upgrade.Runs;

/// <summary>Restore outside an upgrade: which backup goes back into the database the deployment uses now.</summary>
public sealed partial class UpgradeRun
{
    /// <summary>
    /// The backup a Restore puts back into the database the deployment uses now (<paramref name="live"/>): the named one,
    /// whatever database it was taken from (a difference is printed first); else the unfinished upgrade's, else the
    /// newest verified one in <paramref name="backupDirectory"/>, and either only when it was taken from this very
    /// database: a backup of an earlier installation, or of a database replaced since, is never chosen implicitly.
    /// </summary>
    /// <param name="live">The database there now; null when it cannot be read (e.g. missing): then only a named backup is restored.</param>
    public string ChooseBackupToRestore(string? named, JournalStore journals, string composeFile, string backupDirectory, DatabaseIdentity? live)
    {
        if (named is not null)
        {
            var manifestPath = BackupManifest.PathFor(named);
            var takenFrom = File.Exists(manifestPath) ? BackupManifest.Read(manifestPath).DatabaseIdentity : null;
            if (live is null)
                output.Warning("The deployment's database cannot be read, so nothing says which database {Archive} goes into; restoring it as named", named);
            else if (takenFrom is null)
                output.Information("{Archive} does not record which database it was taken from; restoring it as named", named);
            else if (takenFrom.DifferenceFrom(live) is { } difference)
                output.Warning("{Archive} was taken from another database than the deployment uses now: {Difference}. Restoring it because you named it",
                    named, difference);
            return named;
        }
        if (live is null)
            throw new DeploymentChangedException(
                $"The deployment's database cannot be read, so no backup is chosen for it. Nothing was changed. Name one with {advice.Flag(Setting.BackupFile)}.");
        var files = new BackupFiles(backupDirectory);
        var refuseOther = $"Nothing was changed. Name a backup with {advice.Flag(Setting.BackupFile)} to restore it anyway (its difference is printed first).";
        if (journals.Unfinished(composeFile)?.BackupFile is { } fromUpgrade)
        {
            var manifestPath = BackupManifest.PathFor(fromUpgrade);
            var takenFrom = File.Exists(manifestPath) ? BackupManifest.Read(manifestPath).DatabaseIdentity : null;
            if (takenFrom?.DifferenceFrom(live) is { } difference)
                throw new DeploymentChangedException(
                    $"The unfinished upgrade's backup {fromUpgrade} was taken from another database than the deployment uses now: {difference}. {refuseOther}");
            if (takenFrom is null)
                throw new DeploymentChangedException(
                    $"The unfinished upgrade's backup {fromUpgrade} does not record which database it was taken from. {refuseOther}");
            output.Information("Restoring the backup of the unfinished upgrade: {Archive}", fromUpgrade);
            return fromUpgrade;
        }
        var verified = files.Verified().ToArray();
        if (verified.Length == 0)
            throw new InvalidOperationException(
                $"No verified backup in {backupDirectory} (a verified backup has a manifest and still matches its sha256). " +
                $"Name one with {advice.Flag(Setting.BackupFile)}, or point {advice.Flag(Setting.BackupDirectory)} at the directory that holds them.");
        var ofThisDatabase = verified.FirstOrDefault(entry => entry.Manifest.DatabaseIdentity is { } taken && taken.DifferenceFrom(live) is null);
        if (ofThisDatabase.Archive is null)
        {
            var newest = verified[0];
            throw new DeploymentChangedException(
                $"No verified backup in {backupDirectory} was taken from the database the deployment uses now ({live}). The newest, " +
                $"{newest.Archive}, " + (newest.Manifest.DatabaseIdentity is { } taken
                    ? $"was taken from another: {taken.DifferenceFrom(live)}."
                    : "does not record which database it was taken from.") + " " + refuseOther);
        }
        if (ofThisDatabase.Archive != verified[0].Archive)
            output.Information("Newer backups in {Directory} were taken from another database (an earlier installation, or one replaced since); not chosen",
                backupDirectory);
        output.Information("Restoring the newest verified backup of this database: {Archive}", ofThisDatabase.Archive);
        return ofThisDatabase.Archive;
    }
}
