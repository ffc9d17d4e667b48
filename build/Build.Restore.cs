using Nuke.Common;
using Nuke.Common.IO;

partial class Build
{
    [Parameter("Backup file for Restore (default: the backup of the last upgrade)")]
    readonly AbsolutePath? BackupFile;

    Target Restore => _ => _
        .Description("Restores a backup into a new database and swaps it in, keeping the old one")
        .Executes(() => NotImplementedYet(nameof(Restore)));
}
