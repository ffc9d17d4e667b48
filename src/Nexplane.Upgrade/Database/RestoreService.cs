using System.Diagnostics;

namespace Nexplane.Upgrade.Database;

/// <summary>What to restore, where the client tools may run, and how many parallel jobs pg_restore may use.</summary>
public sealed record RestoreRequest(
    DatabaseTarget Database,
    string Archive,
    BackupMode Mode,
    string? DatabaseContainerId,
    int Jobs,
    string MaintenanceDatabase = "postgres");

/// <summary>How a restore ended: which database now holds the backup, and where the replaced one was kept.</summary>
public sealed record RestoreResult(
    string Archive,
    string Database,
    string? KeptFailedDatabase,
    bool RestoredInPlace,
    BackupMode Mode,
    double Seconds);

/// <summary>
/// Puts a verified backup back. The archive is checked again (verified manifest, same sha256), restored into a new database,
/// and compared with its manifest (alembic revision, row count of every table); only then are the names swapped,
/// so the database being replaced is kept as <c>&lt;name&gt;_failed_&lt;timestamp&gt;</c> for the bug report. A role that
/// cannot create databases gets an in-place restore instead, and is told that nothing of the old data is kept.
/// Callers make sure the app services are stopped first; db and redis are never stopped or restarted here.
/// </summary>
public sealed class RestoreService(ContainerExec? containerExec, Action<string> log, Action<string> warn)
{
    public async Task<RestoreResult> RestoreAsync(RestoreRequest request, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var manifest = ReadManifest(request.Archive);
        var database = request.Database;
        var inspector = new DatabaseInspector(database);
        var administration = new DatabaseAdministration(inspector, request.MaintenanceDatabase);
        var serverMajor = await administration.ServerMajorAsync(cancellationToken);
        var tool = manifest.Format == BackupFormat.Custom ? "pg_restore" : "psql";
        var tools = await PostgresTools.ChooseAsync(request.Mode, database, tool, serverMajor, PostgresTools.MajorVersion(manifest.ToolVersion),
            containerExec, request.DatabaseContainerId, log, cancellationToken);

        log($"Checking {Path.GetFileName(request.Archive)} against its manifest (verified, sha256) before restoring it");
        BackupService.VerifyExisting(request.Archive, manifest);

        // Milliseconds too: two restores of one database within a second must not pick the same names.
        var stamp = DateTimeOffset.UtcNow.ToString("yyyyMMdd_HHmmss_fff");
        if (!await administration.CanCreateDatabasesAsync(cancellationToken))
            return await RestoreInPlaceAsync(request, manifest, tools, inspector, administration, clock, cancellationToken);

        var restoreDatabase = $"{database.Name}_restore_{stamp}";
        var failedDatabase = $"{database.Name}_failed_{stamp}";
        log($"Restoring into the new database {restoreDatabase} with {tool} ({tools.Mode.ToString().ToLowerInvariant()}{JobsNote(request, tools, manifest)})");
        await administration.CreateAsync(restoreDatabase, cancellationToken);
        try
        {
            await LoadAsync(request, manifest, tools, restoreDatabase, $"{database.Name} was not changed; {restoreDatabase} was dropped again.", cancellationToken);
            await CompareWithManifestAsync(inspector, restoreDatabase, manifest, cancellationToken);
        }
        catch
        {
            await administration.DropAsync(restoreDatabase, CancellationToken.None);
            throw;
        }

        // The swap: from here the old database is only renamed, never dropped.
        string? kept = null;
        if (await administration.ExistsAsync(database.Name, cancellationToken))
        {
            await administration.RenameAsync(database.Name, failedDatabase, cancellationToken);
            kept = failedDatabase;
        }
        try
        {
            await administration.RenameAsync(restoreDatabase, database.Name, cancellationToken);
        }
        catch when (kept is not null)
        {
            await administration.RenameAsync(failedDatabase, database.Name, CancellationToken.None);
            throw;
        }
        log(kept is null
            ? $"Restored {database.Name} from {Path.GetFileName(request.Archive)}; there was no database of that name to keep."
            : $"Restored {database.Name} from {Path.GetFileName(request.Archive)}; the replaced database is kept as {kept} for the bug report.");
        return new RestoreResult(request.Archive, database.Name, kept, false, tools.Mode, Math.Round(clock.Elapsed.TotalSeconds, 3));
    }

    async Task<RestoreResult> RestoreInPlaceAsync(RestoreRequest request, BackupManifest manifest, IPostgresTools tools,
        DatabaseInspector inspector, DatabaseAdministration administration, Stopwatch clock, CancellationToken cancellationToken)
    {
        var name = request.Database.Name;
        warn($"The role '{request.Database.User}' cannot create databases, so the backup cannot be restored beside {name}: " +
             $"dropping and recreating {name}'s contents instead. The current (failed) data is NOT kept; take a copy first if the bug report needs it " +
             "(or grant CREATEDB to the role and run Restore again).");
        await administration.EmptyInPlaceAsync(name, cancellationToken);
        await LoadAsync(request, manifest, tools, name,
            $"{name} was emptied and is only partly restored: fix the cause and run Restore again before starting the app.", cancellationToken);
        await CompareWithManifestAsync(inspector, name, manifest, cancellationToken);
        log($"Restored {name} in place from {Path.GetFileName(request.Archive)}.");
        return new RestoreResult(request.Archive, name, null, true, tools.Mode, Math.Round(clock.Elapsed.TotalSeconds, 3));
    }

    /// <summary>Host tools read the file directly (pg_restore in parallel); container tools get it on stdin.</summary>
    static async Task LoadAsync(RestoreRequest request, BackupManifest manifest, IPostgresTools tools, string intoDatabase, string stateIfFailed,
        CancellationToken cancellationToken)
    {
        var environment = PgDumpCommands.RestoreEnvironment(request.Database, intoDatabase);
        ToolResult result;
        if (tools.Mode == BackupMode.Host)
        {
            var command = PgDumpCommands.HostRestore(request.Database, intoDatabase, manifest.Format, request.Archive, request.Jobs);
            result = await tools.RunAsync([command.Program, .. command.Arguments], environment, null, null, cancellationToken);
        }
        else
        {
            await using var archive = File.OpenRead(request.Archive);
            result = await tools.RunAsync(PgDumpCommands.ContainerRestore(request.Database.User, intoDatabase, manifest.Format),
                environment, null, archive, cancellationToken);
        }
        if (!result.Succeeded)
            throw new RestoreException($"Loading {Path.GetFileName(request.Archive)} into {intoDatabase} failed (exit code {result.ExitCode}): {result.ErrorTail}. " + stateIfFailed);
    }

    static async Task CompareWithManifestAsync(DatabaseInspector inspector, string database, BackupManifest manifest, CancellationToken cancellationToken)
    {
        var restored = await inspector.SnapshotOfAsync(database, cancellationToken);
        var differences = new List<string>();
        if (!restored.AlembicRevisions.SequenceEqual(manifest.AlembicRevisions))
            differences.Add($"alembic_version is [{string.Join(",", restored.AlembicRevisions)}], the manifest says [{string.Join(",", manifest.AlembicRevisions)}]");
        foreach (var table in manifest.RowCounts.Keys.Union(restored.RowCounts.Keys).Order(StringComparer.Ordinal))
        {
            var expected = manifest.RowCounts.TryGetValue(table, out var e) ? e : (long?)null;
            var actual = restored.RowCounts.TryGetValue(table, out var a) ? a : (long?)null;
            if (expected != actual)
                differences.Add($"{table}: {actual?.ToString() ?? "missing"} rows, the manifest says {expected?.ToString() ?? "missing"}");
        }
        if (differences.Count > 0)
            throw new RestoreException($"The restored data does not match the backup's manifest: {string.Join("; ", differences)}.");
    }

    static BackupManifest ReadManifest(string archive)
    {
        var manifestPath = BackupManifest.PathFor(archive);
        if (!File.Exists(archive))
            throw new RestoreException($"The backup {archive} does not exist.");
        if (!File.Exists(manifestPath))
            throw new RestoreException($"{archive} has no manifest ({Path.GetFileName(manifestPath)}), so it was never verified; refusing to restore it.");
        try
        {
            return BackupManifest.Read(manifestPath);
        }
        catch (Exception exception) when (exception is System.Text.Json.JsonException or InvalidDataException)
        {
            throw new RestoreException($"The manifest {manifestPath} is unreadable ({exception.Message}); refusing to restore {archive}.");
        }
    }

    static string JobsNote(RestoreRequest request, IPostgresTools tools, BackupManifest manifest) =>
        tools.Mode == BackupMode.Host && manifest.Format == BackupFormat.Custom && request.Jobs > 1 ? $", {request.Jobs} jobs" : "";
}

/// <summary>The restore failed; the message says what state the database is in.</summary>
public sealed class RestoreException(string message) : Exception(message);
