using System.Text.Json;
using System.Text.Json.Serialization;
using Nexplane.Upgrade.Compose;

namespace Nexplane.Upgrade.Runbook;

/// <summary>A deployment file an upgrade changed, with a byte-for-byte copy of it as it was before.</summary>
public sealed record ChangedFile(string Path, string CopyOfOriginal, string OriginalSha256);

/// <summary>When a run's terminal went away, and the log file it went on writing to (null when it had none: a CI server).</summary>
public sealed record TerminalHangUp(DateTimeOffset At, string? LogFile);

/// <summary>
/// What one upgrade has done so far, saved after every step under .nuke/temp/upgrade/. A run that dies (SIGKILL,
/// power loss) leaves it behind, so the next run knows exactly what to undo or where to continue, and never
/// silently starts over on a half-upgraded deployment.
/// </summary>
public sealed class UpgradeJournal
{
    public required string Id { get; init; }
    public required string ComposeFile { get; init; }
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>
    /// What happened in the upgrade, in order: the journal saves itself after every entry. The versions, the steps
    /// completed, the backup, the downtime and the migrations below are read from it.
    /// </summary>
    public RunRecord Record
    {
        get => _record;
        init => UseRecord(value);
    }

    RunRecord _record = new();

    public UpgradeJournal() => _record.Appended += Save;

    void UseRecord(RunRecord record)
    {
        _record.Appended -= Save;
        _record = record;
        _record.Appended += Save;
    }

    [JsonIgnore]
    public string? FromVersion => Record.FromVersion;

    [JsonIgnore]
    public string? ToVersion => Record.ToVersion;

    [JsonIgnore]
    public IReadOnlyList<StepCompleted> CompletedSteps => Record.CompletedSteps;

    [JsonIgnore]
    public string? BackupFile => Record.BackupFile;

    public string? RevisionBefore { get; set; }
    public Dictionary<string, string> PreviousImages { get; init; } = [];

    /// <summary>The images Preflight chose, so a resumed run moves to exactly the same ones.</summary>
    public Dictionary<string, string> TargetImages { get; init; } = [];

    /// <summary>The stops on the way Preflight planned, oldest first, with the backend's image at each: a resumed run passes the ones left.</summary>
    public List<JournalStop> Stops { get; init; } = [];

    /// <summary>What the release notes said, kept for a resumed run that does not read them again.</summary>
    public bool AnnouncesMigrations { get; set; }

    public bool AgentUpgradeRequired { get; set; }

    /// <summary>Agent hosts the Agents step upgraded (host name -> the version registered before), for a later Rollback.</summary>
    public Dictionary<string, string?> UpgradedAgents { get; init; } = [];

    /// <summary>What moved <see cref="UpgradedAgents"/>: their rollback goes through the same engine.</summary>
    public Agents.AgentEngine AgentEngine { get; set; } = Agents.AgentEngine.Ssh;

    /// <summary>The operator's inventory group <see cref="UpgradedAgents"/> came from (null: the agent hosts file): their rollback reads it again.</summary>
    public Agents.Ansible.AnsibleInventorySource? AgentInventory { get; set; }

    /// <summary>The backup is taken after Stop (--backup-after-stop), which changes the order of the steps.</summary>
    public bool BackupAfterStop { get; set; }

    /// <summary>The Alembic head the new backend's log reported, for VerifyMigrations in a resumed run.</summary>
    [JsonIgnore]
    public string? MigrationHead => Record.HeadFromLogs;

    /// <summary>The migrations the new backend's log reported, so a resumed run reports every one.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> Migrations => Record.Migrations;

    /// <summary>When Stop began the downtime, and when the new backend first answered /health: a resumed run reports the whole downtime.</summary>
    [JsonIgnore]
    public DateTimeOffset? DowntimeStartedAt => Record.DowntimeStartedAt;

    [JsonIgnore]
    public DateTimeOffset? DowntimeEndedAt => Record.DowntimeEndedAt;
    public List<ChangedFile> ChangedFiles { get; init; } = [];
    public string? MigrationErrorFile { get; set; }

    /// <summary>The cluster's transaction horizon at Stop; null in journals written before it was recorded, which means "cannot tell": restore.</summary>
    public Database.TransactionHorizon? TransactionHorizon { get; set; }

    /// <summary>
    /// The deployment this journal belongs to, as Preflight found it: the compose project, the database (updated when
    /// the tool itself swaps a restored one in), and the sha256 of the compose file and .env. A later command compares
    /// them with the deployment as it is before it acts on this journal. null in journals written before they were recorded.
    /// </summary>
    public string? ComposeProject { get; set; }

    public Database.DatabaseIdentity? DatabaseIdentity { get; set; }

    public Dictionary<string, string> FilesAtPreflight { get; init; } = [];

    /// <summary>
    /// Every content the upgrade wrote to a deployment file (path -> sha256, in order), recorded before the write: the last
    /// one is the file as the upgrade left it. A file that is none of these was edited by someone else since.
    /// </summary>
    public Dictionary<string, List<string>> WrittenFiles { get; init; } = [];

    /// <summary>
    /// The terminal of the run went away (SIGHUP: the operator's SSH connection dropped); the run went on to its end
    /// without it, writing to its log file. null when it never did.
    /// </summary>
    public TerminalHangUp? TerminalHungUp { get; set; }

    /// <summary>A rollback of this upgrade began: the deployment may stand anywhere between the two versions.</summary>
    public bool RollbackBegan { get; set; }

    /// <summary>null while the upgrade is unfinished (also when its rollback needs a human); then how it ended.</summary>
    public UpgradeOutcome? Outcome { get; set; }

    [JsonIgnore]
    public string FilePath { get; private set; } = "";

    /// <summary>Only read (a dry run of a resumed upgrade): what the run records stays in memory, the file as it was.</summary>
    [JsonIgnore]
    public bool ReadOnly { get; set; }

    public bool IsFinished => Outcome is not null;

    public bool HasCompleted(string step) => CompletedSteps.Any(s => s.Name == step);

    public bool HasCompleted(RunbookStep step) => HasCompleted(step.ToString());

    public string? LastCompletedStep => CompletedSteps.LastOrDefault()?.Name;

    /// <summary>Records that <paramref name="step"/> finished (once: a step a resumed run repeats finished the first time).</summary>
    public void MarkCompleted(string step)
    {
        if (HasCompleted(step))
            Save();
        else
            Record.Append(new StepCompleted(step));
    }

    /// <summary>Keeps a copy of a deployment file before its first change in this upgrade; later changes keep the first copy.</summary>
    public void RememberOriginal(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (ChangedFiles.Any(f => f.Path == full) || !File.Exists(full))
            return;
        var copy = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(FilePath)!, $"{Id}.{System.IO.Path.GetFileName(full)}.orig");
        File.Copy(full, copy, overwrite: true);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(copy, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        ChangedFiles.Add(new ChangedFile(full, copy, Database.BackupFiles.Sha256Of(copy)));
        Save();
    }

    /// <summary>Records, before the write, the content the upgrade is about to write to a deployment file.</summary>
    public void RecordWrite(string path, string text)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (!WrittenFiles.TryGetValue(full, out var hashes))
            WrittenFiles[full] = hashes = [];
        hashes.Add(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text))));
        Save();
    }

    /// <summary>
    /// Puts back, byte for byte, every remembered file that is still exactly as this upgrade wrote it (or already the
    /// original). A file edited since (new secrets, a new variable) is left to the caller: only its tags may go back.
    /// </summary>
    public (IReadOnlyList<string> Restored, IReadOnlyList<string> EditedSince) RestoreOriginalFiles()
    {
        var restored = new List<string>();
        var editedSince = new List<string>();
        foreach (var file in ChangedFiles)
        {
            var now = File.Exists(file.Path) ? Database.BackupFiles.Sha256Of(file.Path) : null;
            var wrote = WrittenFiles.GetValueOrDefault(file.Path) ?? [];
            if (now != file.OriginalSha256 && !wrote.Contains(now ?? ""))
            {
                editedSince.Add(file.Path);
                continue;
            }
            if (Database.BackupFiles.Sha256Of(file.CopyOfOriginal) != file.OriginalSha256)
                throw new InvalidOperationException($"The saved copy {file.CopyOfOriginal} of {file.Path} was modified; restore it by hand.");
            TextFiles.WriteAtomically(file.Path, File.ReadAllText(file.CopyOfOriginal));
            restored.Add(file.Path);
        }
        return (restored, editedSince);
    }

    static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    readonly Lock _saving = new();

    /// <summary>One save at a time: a hang-up is recorded from the signal's thread while a step may save too.</summary>
    public void Save()
    {
        if (ReadOnly)
            return;
        lock (_saving)
            TextFiles.WriteAtomically(FilePath, JsonSerializer.Serialize(this, Options));
    }

    public static UpgradeJournal Load(string path)
    {
        var text = File.ReadAllText(path);
        var journal = JsonSerializer.Deserialize<UpgradeJournal>(text, Options)
            ?? throw new InvalidDataException($"The journal {path} is empty.");
        journal.FilePath = path;
        // A journal written before the record kept these facts as fields of their own (read, not rewritten, here).
        if (journal.Record.Facts.Count == 0 && JournalFieldsBeforeTheRecord.Facts(text, Options) is { Count: > 0 } facts)
            journal.UseRecord(new RunRecord(facts));
        return journal;
    }

    /// <param name="record">The run's record, when the run kept one before its journal began; else a new one.</param>
    public static UpgradeJournal Create(string directory, string id, string composeFile, RunRecord? record = null)
    {
        Directory.CreateDirectory(directory);
        var journal = new UpgradeJournal
        {
            Id = id,
            ComposeFile = System.IO.Path.GetFullPath(composeFile),
            StartedAt = DateTimeOffset.UtcNow,
            FilePath = System.IO.Path.Combine(directory, $"{id}.json"),
            Record = record ?? new RunRecord(),
        };
        journal.Save();
        return journal;
    }
}

/// <summary>A stop on the way to the target as the journal keeps it: the version, and the image the service (the backend) runs there.</summary>
public sealed record JournalStop(string Version, string Service, string Image);
