using System.Text.Json.Serialization;

namespace Nexplane.Upgrade.Runbook;

/// <summary>
/// One thing that happened in an upgrade, and when: an entry of its <see cref="RunRecord"/>. Facts are only ever
/// appended; what the journal, the report and a resumed run know is read from them.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "fact")]
[JsonDerivedType(typeof(VersionsChosen), "versions_chosen")]
[JsonDerivedType(typeof(StepCompleted), "step_completed")]
[JsonDerivedType(typeof(BackupVerified), "backup_verified")]
[JsonDerivedType(typeof(DowntimeBegan), "downtime_began")]
[JsonDerivedType(typeof(MigrationsReported), "migrations_reported")]
[JsonDerivedType(typeof(BackendAnswered), "backend_answered")]
[JsonDerivedType(typeof(MigrationsVerified), "migrations_verified")]
[JsonDerivedType(typeof(StopPassed), "stop_passed")]
public abstract record RunFact
{
    public DateTimeOffset At { get; init; } = DateTimeOffset.UtcNow;
}

/// <summary>Preflight chose the path: the version running (null when it could not be told) and the one to move to.</summary>
public sealed record VersionsChosen(string? From, string To) : RunFact;

/// <summary>A runbook step finished.</summary>
public sealed record StepCompleted(string Name) : RunFact;

/// <summary>The backup was written and verified: the archive a rollback restores.</summary>
public sealed record BackupVerified(string File) : RunFact;

/// <summary>Stop began the downtime: the first app service stopped at <see cref="RunFact.At"/>.</summary>
public sealed record DowntimeBegan : RunFact;

/// <summary>The new backend's log reported these migrations, and the head they lead to (null when none was pending).</summary>
public sealed record MigrationsReported(IReadOnlyList<string> Migrations, string? Head) : RunFact;

/// <summary>The new backend first answered its health endpoint: the downtime's end.</summary>
public sealed record BackendAnswered : RunFact;

/// <summary>
/// The backend ran a stop's migrations on the way to the target, first answered /health at <see cref="Answered"/>, and
/// passed its checks on that version (<see cref="RunFact.At"/>); <see cref="Head"/> as verified (null: none was pending).
/// </summary>
public sealed record StopPassed(string Version, DateTimeOffset Answered, string? Head) : RunFact;

/// <summary>VerifyMigrations found the database at this head.</summary>
public sealed record MigrationsVerified(string Head) : RunFact;
