using Nexplane.Upgrade.Database;

namespace Nexplane.Upgrade.Steps.Rehearse;

/// <summary>What a rehearsal needs beyond the deployment: the backup to load and where the rehearsals' reports are kept.</summary>
/// <param name="BackupFile">The backup to load; null to choose the newest verified backup of the running version.</param>
/// <param name="BackupMaxAge">An older backup is replaced by a fresh one.</param>
public sealed record RehearsalOptions(string? BackupFile, TimeSpan BackupMaxAge, BackupPolicy Backups, RehearsalReports Reports);
