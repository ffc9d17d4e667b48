namespace Nexplane.Upgrade.Database;

/// <summary>Where backups are kept, in which format, and how many.</summary>
/// <param name="Retention">How many backups to keep; the newest verified one is never deleted.</param>
public sealed record BackupPolicy(string Directory, BackupFormat Format = BackupFormat.Custom, int Retention = 5);
