using System.Diagnostics;
using Nexplane.Upgrade.Processes;
using Nexplane.Upgrade.Progress;
using Nexplane.Upgrade.Operator;

namespace Nexplane.Upgrade.Database;

/// <summary>What to back up and where pg_dump can run.</summary>
public sealed record BackupRequest(
    DatabaseTarget Database,
    BackupMode Mode,
    BackupFormat Format,
    string NexplaneVersion,
    IReadOnlyDictionary<string, string> Images,
    string? DatabaseContainerId,
    int CompressionLevel = PgDumpCommands.CustomCompressionLevel);

/// <summary>
/// A backup whose archive is written, flushed to disk and hashed. <see cref="Verified"/> ends with its manifest once
/// the archive decoded completely, or throws (the archive deleted): nothing may rely on it before that.
/// </summary>
public sealed record WrittenBackup(string Archive, long SizeBytes, Task<BackupManifest> Verified);

/// <summary>
/// The runbook's "back up the database", made trustworthy. pg_dump runs on the host or inside the db container and
/// streams into a partial file while it is hashed. Once it is written, pg_restore decodes every entry of the archive
/// (at a low priority) and the manifest's row counts are read from the very snapshot pg_dump dumped; both wait for the
/// dump to end because on a small machine any CPU they take beside it is the dump's time (measured on 2 cores: +20 to
/// +48 % with the decoder beside pg_dump). Only a backup that passed every check gets its final name and a manifest;
/// anything else is deleted and the error says why, so no half backup ever looks whole.
/// </summary>
public sealed class BackupService(BackupFiles files, ContainerExec? containerExec, ICommandRunner commands, Action<string> log, OperatorAdvice advice,
    IProgressDisplay? display = null)
{
    /// <summary>The whole backup: returns once it is verified.</summary>
    public async Task<BackupManifest> BackUpAsync(BackupRequest request, CancellationToken cancellationToken) =>
        await (await StartAsync(request, cancellationToken)).Verified;

    /// <summary>
    /// Returns when pg_dump has finished and the archive is written and hashed; the checks then run on (the upgrade
    /// overlaps them with the image pulls) and are cancelled with <paramref name="cancellationToken"/>.
    /// </summary>
    public async Task<WrittenBackup> StartAsync(BackupRequest request, CancellationToken cancellationToken)
    {
        files.EnsureExists();
        var inspector = new DatabaseInspector(request.Database, advice);
        var snapshot = await inspector.ExportSnapshotAsync(cancellationToken);
        try
        {
            var serverMajor = await ServerMajorAsync(inspector, cancellationToken);
            var tools = await PostgresTools.ChooseAsync(request.Mode, request.Database, "pg_dump", serverMajor, null,
                containerExec, request.DatabaseContainerId, commands, log, advice, cancellationToken);
            var toolVersion = await tools.VersionAsync("pg_dump", cancellationToken) ?? "pg_dump (version unknown)";

            var startedAt = DateTimeOffset.UtcNow;
            var archive = files.NewArchivePath(startedAt, request.NexplaneVersion, request.Format);
            var partial = archive + ".partial";
            log($"Dumping {request.Database} with {toolVersion} ({tools.Mode.ToString().ToLowerInvariant()}) to {archive}");

            // Created owner-only before a byte is written: the dump holds password hashes and tokens.
            CreateOwnerOnlyFile(partial);
            var clock = Stopwatch.StartNew();
            var (sha256, size) = await DumpAsync(request, tools, snapshot.Id, partial, cancellationToken);
            var dumpSeconds = clock.Elapsed.TotalSeconds;
            log($"Backup written: {ByteSize.Megabytes(size)} in {dumpSeconds:0.0} s, sha256 {sha256[..12]}…; decoding it and counting its rows");

            var written = new BackupManifest
            {
                ArchiveFile = Path.GetFileName(archive),
                Format = request.Format,
                Sha256 = sha256,
                SizeBytes = size,
                NexplaneVersion = request.NexplaneVersion,
                Images = request.Images,
                AlembicRevisions = [],
                RowCounts = new Dictionary<string, long>(),
                DatabaseSizeBytes = 0,
                Database = request.Database.ToString(),
                Mode = tools.Mode,
                ToolVersion = toolVersion,
                StartedAt = startedAt,
                DumpSeconds = Math.Round(dumpSeconds, 3),
                VerifySeconds = 0,
                Verified = true,
            };
            return new WrittenBackup(archive, size, VerifyAsync(written, archive, partial, tools, snapshot, cancellationToken));
        }
        catch (Exception exception)
        {
            await snapshot.DisposeAsync();
            if (exception is IOException io && IsDiskFull(io))
                throw new BackupException(DiskFullMessage(files.Directory));
            throw;
        }
    }

    /// <summary>
    /// The checks after the dump: pg_restore decodes the whole archive while the snapshot's contents are counted; a
    /// verified archive gets its manifest and final name, any other is deleted.
    /// </summary>
    async Task<BackupManifest> VerifyAsync(BackupManifest written, string archive, string partial, IPostgresTools tools, ExportedSnapshot snapshot,
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var verified = false;
        try
        {
            var decoding = written.Format == BackupFormat.Custom ? DecodeAsync(tools, partial, cancellationToken) : Task.FromResult(new ToolResult(0, ""));
            var counting = CountAndReleaseAsync(snapshot, cancellationToken);
            await Task.WhenAll(decoding, counting);
            var (decode, contents) = (decoding.Result, counting.Result);
            if (!decode.Succeeded)
                throw new BackupException($"The archive does not decode (pg_restore exit code {decode.ExitCode}): {decode.ErrorTail}");
            var manifest = written with
            {
                AlembicRevisions = contents.AlembicRevisions,
                RowCounts = contents.RowCounts,
                DatabaseSizeBytes = contents.SizeBytes,
                DatabaseIdentity = contents.Identity,
                VerifySeconds = Math.Round(clock.Elapsed.TotalSeconds, 3),
            };
            // The manifest first (under a temporary name), then the archive's final name: a final-named archive always has one.
            var manifestPath = BackupManifest.PathFor(archive);
            File.WriteAllText(manifestPath + ".partial", manifest.ToJson());
            RestrictToOwner(manifestPath + ".partial");
            File.Move(partial, archive);
            File.Move(manifestPath + ".partial", manifestPath);
            verified = true;
            log($"Backup verified: {ByteSize.Megabytes(manifest.SizeBytes)} from a {ByteSize.Megabytes(manifest.DatabaseSizeBytes)} database, " +
                $"{manifest.RowCounts.Values.Sum()} rows in {manifest.RowCounts.Count} tables, alembic {string.Join(",", manifest.AlembicRevisions)}, " +
                $"sha256 {manifest.Sha256[..12]}…, dumped in {manifest.DumpSeconds:0.0} s, decoded and counted in {manifest.VerifySeconds:0.0} s");
            return manifest;
        }
        catch (IOException exception) when (IsDiskFull(exception))
        {
            throw new BackupException(DiskFullMessage(files.Directory));
        }
        catch (Exception exception) when (exception is not (BackupException or OperationCanceledException))
        {
            // e.g. the database went away while the rows were counted: the backup is not proven, whatever the cause.
            throw new BackupException($"The backup's check after the dump failed: {exception.Message}");
        }
        finally
        {
            if (!verified)
            {
                // The dump holds password hashes and tokens: nothing unproven stays behind, under any name.
                foreach (var leftover in new[] { partial, archive, BackupManifest.PathFor(archive) + ".partial", BackupManifest.PathFor(archive) })
                    File.Delete(leftover);
            }
        }
    }

    /// <summary>The manifest's contents from the dumped snapshot; its transaction ends as soon as they are read.</summary>
    static async Task<DatabaseSnapshot> CountAndReleaseAsync(ExportedSnapshot snapshot, CancellationToken cancellationToken)
    {
        await using (snapshot)
            return await snapshot.ReadAsync(cancellationToken);
    }

    /// <summary>pg_dump's stdout goes through an <see cref="ArchiveTee"/> into the file and the hash; a failed dump's file is deleted.</summary>
    async Task<(string Sha256, long Size)> DumpAsync(BackupRequest request, IPostgresTools tools, string snapshotId, string partial,
        CancellationToken cancellationToken)
    {
        ToolResult dump;
        string sha256;
        long size;
        string tail;
        using var shown = (display ?? NoProgress.Instance).Start($"Backing up {request.Database.Name} (pg_dump)", ProgressUnit.Bytes);
        try
        {
            await using var tee = new ArchiveTee(partial, bytes => shown.Report(bytes));
            dump = await tools.RunAsync(
                ["pg_dump", .. PgDumpCommands.DumpArguments(request.Format, request.Database.User, request.Database.Name, snapshotId, request.CompressionLevel)],
                new Dictionary<string, string?>(), tee, null, cancellationToken);
            sha256 = await tee.CompleteAsync(cancellationToken);
            size = tee.BytesWritten;
            tail = tee.Tail;
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
        try
        {
            CheckDump(request, dump, size, tail);
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
        return (sha256, size);
    }

    void CheckDump(BackupRequest request, ToolResult dump, long size, string tail)
    {
        if (!dump.Succeeded)
            throw new BackupException(dump.StandardError.Contains("No space left on device", StringComparison.Ordinal)
                ? DiskFullMessage(files.Directory)
                : $"pg_dump failed with exit code {dump.ExitCode}: {dump.ErrorTail}");
        if (size == 0)
            throw new BackupException("pg_dump exited successfully but wrote nothing.");
        if (request.Format == BackupFormat.Plain && !tail.Contains(PgDumpCommands.PlainDumpTrailer, StringComparison.Ordinal))
            throw new BackupException($"The plain dump lacks pg_dump's final '{PgDumpCommands.PlainDumpTrailer}' line: it was cut short.");
    }

    /// <summary>pg_restore decodes the written archive (to /dev/null), at a low priority.</summary>
    static async Task<ToolResult> DecodeAsync(IPostgresTools tools, string archive, CancellationToken cancellationToken)
    {
        await using var input = new FileStream(archive, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 20);
        return await tools.RunAsync(PgDumpCommands.StreamingDecodeCommand(tools.Mode), new Dictionary<string, string?>(), null, input, cancellationToken);
    }

    static async Task<int> ServerMajorAsync(DatabaseInspector inspector, CancellationToken cancellationToken)
    {
        await using var connection = await inspector.OpenAsync(inspector.Database.Name, cancellationToken);
        return connection.PostgreSqlVersion.Major;
    }

    const int DiskFullHResult = 28; // ENOSPC

    static bool IsDiskFull(IOException exception) =>
        (exception.HResult & 0xFFFF) == DiskFullHResult || exception.Message.Contains("No space left on device", StringComparison.Ordinal);

    string DiskFullMessage(string directory) =>
        $"The backup directory {directory} ran out of space during the dump; the partial file was deleted and nothing else changed. " +
        $"Free space there (or point {advice.Flag(Setting.BackupDirectory)} at a larger disk) and run the upgrade again.";


    static void CreateOwnerOnlyFile(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var _ = new FileStream(path, options);
    }

    static void RestrictToOwner(string path)
    {
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}

/// <summary>The backup failed or did not verify. The upgrade stops here, before anything changed.</summary>
public sealed class BackupException(string message) : Exception(message);
