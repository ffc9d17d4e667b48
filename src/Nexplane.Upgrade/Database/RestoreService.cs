using System.Diagnostics;
using Nexplane.Upgrade.Processes;
using Nexplane.Upgrade.Progress;
using Nexplane.Upgrade.Operator;

namespace Nexplane.Upgrade.Database;

/// <summary>What to restore, where the client tools may run, and how many parallel jobs pg_restore may use.</summary>
public sealed record RestoreRequest(
    DatabaseTarget Database,
    string Archive,
    BackupMode Mode,
    string? DatabaseContainerId,
    int Jobs,
    string MaintenanceDatabase = "postgres")
{
    /// <summary>Whose database is replaced: what the restore says of the replaced one depends on it.</summary>
    public RestoreDestination Destination { get; init; }
}

/// <summary>How a restore ended: which database now holds the backup, and where the replaced one was kept.</summary>
public sealed record RestoreResult(
    string Archive,
    string Database,
    string? KeptFailedDatabase,
    bool RestoredInPlace,
    BackupMode Mode,
    double Seconds)
{
    /// <summary>Where the time went, in order (the sha256 runs beside the load: its row says how long it took on its own).</summary>
    public IReadOnlyList<(string Phase, double Seconds)> Phases { get; init; } = [];

    /// <summary>What the operator does next: drop the replaced database once the bug report has its dump.</summary>
    public IReadOnlyList<string> NextSteps => KeptFailedDatabase is null
        ? []
        : [$"The replaced database is kept as {KeptFailedDatabase}; attach a dump of it to the bug report, then drop it."];
}

/// <summary>
/// Puts a verified backup back. The archive is checked again (verified manifest, same sha256), restored into a new database,
/// and compared with its manifest (alembic revision, row count of every table); only then are the names swapped,
/// so the database being replaced is kept as <c>&lt;name&gt;_failed_&lt;timestamp&gt;</c> for the bug report. A role that
/// cannot create databases gets an in-place restore instead, and is told that nothing of the old data is kept.
/// Callers make sure the app services are stopped first; db and redis are never stopped or restarted here.
/// The sha256 is computed while the new database loads (a mismatch stops the load, drops the new database and
/// leaves the old one alone); an in-place restore waits for it before touching anything. A custom archive restored
/// with this machine's tools and more than one job is loaded by <see cref="ParallelRestoreLoader"/> (big tables
/// COPYed over several connections at once).
/// </summary>
public sealed class RestoreService(ContainerExec? containerExec, ICommandRunner commands, Action<string> log, Action<string> warn, OperatorAdvice advice,
    IProgressDisplay? display = null)
{
    IProgressDisplay Display => display ?? NoProgress.Instance;

    public async Task<RestoreResult> RestoreAsync(RestoreRequest request, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var phases = new Phases();
        var manifest = ReadManifest(request.Archive);
        if (!manifest.Verified)
            throw new BackupException($"{request.Archive} was never verified (its manifest says so); it cannot be trusted for a restore.");
        if (manifest.Format == BackupFormat.Plain && !BackupFiles.EndsWithPlainDumpTrailer(request.Archive))
            throw new BackupException($"{request.Archive} lacks pg_dump's final line: it was cut short.");

        // The sha256 pass reads the archive beside the load; its verdict is awaited before anything is replaced.
        using var stopLoad = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var hashing = HashAsync(request.Archive, manifest, phases, stopLoad);
        try
        {
            return await RestoreCheckedAsync(request, manifest, hashing, phases, clock, stopLoad.Token, cancellationToken);
        }
        finally
        {
            await stopLoad.CancelAsync();
            await hashing.ContinueWith(_ => { }, TaskScheduler.Default); // observed, whatever happened
        }
    }

    async Task<RestoreResult> RestoreCheckedAsync(RestoreRequest request, BackupManifest manifest, Task<bool> hashing, Phases phases,
        Stopwatch clock, CancellationToken loadToken, CancellationToken cancellationToken)
    {
        var database = request.Database;
        var inspector = new DatabaseInspector(database, advice);
        var administration = new DatabaseAdministration(inspector, request.MaintenanceDatabase);
        var serverMajor = await administration.ServerMajorAsync(cancellationToken);
        var tool = manifest.Format == BackupFormat.Custom ? "pg_restore" : "psql";
        var tools = await PostgresTools.ChooseAsync(request.Mode, database, tool, serverMajor, PostgresTools.MajorVersion(manifest.ToolVersion),
            containerExec, request.DatabaseContainerId, commands, log, advice, cancellationToken);

        log($"Checking {Path.GetFileName(request.Archive)} against its manifest (verified; sha256 computed while it loads) before swapping it in");

        // Milliseconds too: two restores of one database within a second must not pick the same names.
        var stamp = DateTimeOffset.UtcNow.ToString("yyyyMMdd_HHmmss_fff");
        if (!await administration.CanCreateDatabasesAsync(cancellationToken))
        {
            // Nothing is emptied before the archive is known to be the one that was verified.
            await EnsureHashMatchesAsync(request.Archive, hashing, phases);
            return await RestoreInPlaceAsync(request, manifest, tools, inspector, administration, phases, clock, cancellationToken);
        }

        var restoreDatabase = $"{database.Name}_restore_{stamp}";
        var failedDatabase = $"{database.Name}_failed_{stamp}";
        log($"Restoring into the new database {restoreDatabase} with {tool} ({tools.Mode.ToString().ToLowerInvariant()}{JobsNote(request, tools, manifest)})");
        await phases.TimeAsync("create database", () => administration.CreateAsync(restoreDatabase, cancellationToken));
        try
        {
            try
            {
                await LoadAsync(request, manifest, tools, restoreDatabase, $"{database.Name} was not changed; {restoreDatabase} was dropped again.",
                    () => RecreateAsync(administration, restoreDatabase, cancellationToken), phases, loadToken);
            }
            catch when (hashing.IsCompleted || !cancellationToken.IsCancellationRequested)
            {
                // A load that failed on a changed archive is reported as the changed archive.
                await EnsureHashMatchesAsync(request.Archive, hashing, phases);
                throw;
            }
            await EnsureHashMatchesAsync(request.Archive, hashing, phases);
            await phases.TimeAsync("verify row counts and alembic_version", () => CompareWithManifestAsync(inspector, restoreDatabase, manifest, cancellationToken));
        }
        catch
        {
            // Only this restore knows the new database's name: any session left on it is one of its own tools.
            await administration.DisconnectOthersAsync(restoreDatabase, CancellationToken.None);
            await administration.DropAsync(restoreDatabase, CancellationToken.None);
            throw;
        }

        // The swap: from here the old database is only renamed, never dropped.
        var swap = Stopwatch.StartNew();
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
        phases.Add("swap", swap.Elapsed.TotalSeconds);
        log(RestoreWording.Swapped(request.Destination, database.Name, Path.GetFileName(request.Archive), kept));
        return new RestoreResult(request.Archive, database.Name, kept, false, tools.Mode, Math.Round(clock.Elapsed.TotalSeconds, 3)) { Phases = phases.List };
    }

    async Task<RestoreResult> RestoreInPlaceAsync(RestoreRequest request, BackupManifest manifest, IPostgresTools tools,
        DatabaseInspector inspector, DatabaseAdministration administration, Phases phases, Stopwatch clock, CancellationToken cancellationToken)
    {
        var name = request.Database.Name;
        warn(RestoreWording.InPlaceWarning(request.Destination, request.Database.User, name));
        await administration.EmptyInPlaceAsync(name, cancellationToken);
        await LoadAsync(request, manifest, tools, name, RestoreWording.InPlaceLoadFailed(request.Destination, name),
            () => administration.EmptyInPlaceAsync(name, cancellationToken), phases, cancellationToken);
        await phases.TimeAsync("verify row counts and alembic_version", () => CompareWithManifestAsync(inspector, name, manifest, cancellationToken));
        log($"Restored {name} in place from {Path.GetFileName(request.Archive)}.");
        return new RestoreResult(request.Archive, name, null, true, tools.Mode, Math.Round(clock.Elapsed.TotalSeconds, 3)) { Phases = phases.List };
    }

    static async Task RecreateAsync(DatabaseAdministration administration, string database, CancellationToken cancellationToken)
    {
        await administration.DisconnectOthersAsync(database, cancellationToken);
        await administration.DropAsync(database, cancellationToken);
        await administration.CreateAsync(database, cancellationToken);
    }

    /// <summary>
    /// Host tools read the file directly: a custom archive with more than one job goes through
    /// <see cref="ParallelRestoreLoader"/>, falling back to plain pg_restore (after <paramref name="reset"/>) when
    /// its data cannot be split; container tools get the archive on stdin.
    /// </summary>
    async Task LoadAsync(RestoreRequest request, BackupManifest manifest, IPostgresTools tools, string intoDatabase, string stateIfFailed,
        Func<Task> reset, Phases phases, CancellationToken cancellationToken)
    {
        if (tools.Mode == BackupMode.Host && manifest.Format == BackupFormat.Custom && request.Jobs > 1)
        {
            var clock = Stopwatch.StartNew();
            try
            {
                var rows = manifest.RowCounts.Values.Sum();
                using var shown = Display.Start($"Restoring {intoDatabase}", ProgressUnit.Rows, rows > 0 ? rows : null);
                var timings = await new ParallelRestoreLoader(request.Database, intoDatabase, request.Archive, request.Jobs, commands, loaded => shown.Report(loaded))
                    .LoadAsync(cancellationToken);
                phases.Add("load: pre-data", timings.PreData);
                phases.Add($"load: data ({timings.Streams} COPY connections)", timings.Data);
                phases.Add($"load: post-data ({request.Jobs} jobs)", timings.PostData);
                log($"Loaded {intoDatabase}: {timings}");
                return;
            }
            catch (ParallelLoadException exception)
            {
                throw new RestoreException($"Loading {Path.GetFileName(request.Archive)} into {intoDatabase} failed: {exception.Message}. " + stateIfFailed);
            }
            catch (UnsupportedCopyScriptException exception)
            {
                warn($"The archive's data cannot be loaded over several connections ({exception.Message}); loading it with pg_restore alone.");
                await reset();
                phases.Add("parallel load attempt (abandoned)", clock.Elapsed.TotalSeconds);
            }
        }
        using var loading = Display.Start($"Restoring {intoDatabase} (pg_restore)", ProgressUnit.Elapsed);
        await phases.TimeAsync("load", () => LoadWithOneToolAsync(request, manifest, tools, intoDatabase, stateIfFailed, cancellationToken));
    }

    static async Task LoadWithOneToolAsync(RestoreRequest request, BackupManifest manifest, IPostgresTools tools, string intoDatabase, string stateIfFailed,
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

    /// <summary>Hashes the archive; on a mismatch cancels <paramref name="stopLoad"/> at once so a changed archive is not loaded to the end.</summary>
    static Task<bool> HashAsync(string archive, BackupManifest manifest, Phases phases, CancellationTokenSource stopLoad) =>
        Task.Run(() =>
        {
            var clock = Stopwatch.StartNew();
            var matches = Sha256Of(archive, stopLoad.Token) == manifest.Sha256;
            phases.Add("sha256 of the archive (beside the load)", clock.Elapsed.TotalSeconds);
            if (!matches)
                stopLoad.Cancel();
            return matches;
        });

    /// <summary>The same hex sha256 as <see cref="BackupFiles.Sha256Of"/>, but it stops when the restore ends early.</summary>
    static string Sha256Of(string path, CancellationToken cancellationToken)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            hash.AppendData(buffer, 0, read);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    static async Task EnsureHashMatchesAsync(string archive, Task<bool> hashing, Phases phases)
    {
        var waited = Stopwatch.StartNew();
        var matches = await hashing;
        if (waited.Elapsed.TotalSeconds >= 0.05)
            phases.Add("waiting for the sha256", waited.Elapsed.TotalSeconds);
        if (!matches)
            throw new BackupException($"{archive} no longer matches the sha256 in its manifest: it was changed or cut short after the backup.");
    }

    /// <summary>Phase durations, added from the restore and from the hashing task.</summary>
    sealed class Phases
    {
        readonly List<(string Phase, double Seconds)> list = [];

        public IReadOnlyList<(string Phase, double Seconds)> List
        {
            get { lock (list) return [.. list]; }
        }

        public void Add(string phase, double seconds)
        {
            lock (list)
                list.Add((phase, Math.Round(seconds, 3)));
        }

        public async Task TimeAsync(string phase, Func<Task> action)
        {
            var clock = Stopwatch.StartNew();
            await action();
            Add(phase, clock.Elapsed.TotalSeconds);
        }
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
