using System.Diagnostics;
using System.IO.Pipelines;
using Nexplane.Upgrade.Progress;

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
/// The runbook's "back up the database", made trustworthy. pg_dump runs on the host or inside the db container and
/// streams into a partial file; in the same pass the stream is hashed and fully decoded by pg_restore, and the
/// manifest's row counts are read from the very snapshot pg_dump dumps. Only a backup that passed every check gets
/// its final name and a manifest; anything else is deleted and the error says why, so no half backup ever looks whole.
/// </summary>
public sealed class BackupService(BackupFiles files, ContainerExec? containerExec, Action<string> log, IProgressDisplay? display = null)
{
    public async Task<BackupManifest> BackUpAsync(BackupRequest request, CancellationToken cancellationToken)
    {
        files.EnsureExists();
        var inspector = new DatabaseInspector(request.Database);
        await using var snapshot = await inspector.ExportSnapshotAsync(cancellationToken);
        var serverMajor = await ServerMajorAsync(inspector, cancellationToken);
        var tools = await PostgresTools.ChooseAsync(request.Mode, request.Database, "pg_dump", serverMajor, null,
            containerExec, request.DatabaseContainerId, log, cancellationToken);
        var toolVersion = await tools.VersionAsync("pg_dump", cancellationToken) ?? "pg_dump (version unknown)";

        var startedAt = DateTimeOffset.UtcNow;
        var archive = files.NewArchivePath(startedAt, request.NexplaneVersion, request.Format);
        var partial = archive + ".partial";
        log($"Dumping {request.Database} with {toolVersion} ({tools.Mode.ToString().ToLowerInvariant()}) to {archive}");

        try
        {
            // Created owner-only before a byte is written: the dump holds password hashes and tokens.
            CreateOwnerOnlyFile(partial);
            var clock = Stopwatch.StartNew();
            var contents = snapshot.ReadAsync(cancellationToken);
            var (sha256, size, decodeSeconds) = await DumpAndVerifyAsync(request, tools, snapshot.Id, partial, cancellationToken);
            var dumpSeconds = clock.Elapsed.TotalSeconds;
            var before = await contents;

            File.Move(partial, archive);
            var manifest = new BackupManifest
            {
                ArchiveFile = Path.GetFileName(archive),
                Format = request.Format,
                Sha256 = sha256,
                SizeBytes = size,
                NexplaneVersion = request.NexplaneVersion,
                Images = request.Images,
                AlembicRevisions = before.AlembicRevisions,
                RowCounts = before.RowCounts,
                DatabaseSizeBytes = before.SizeBytes,
                Database = request.Database.ToString(),
                Mode = tools.Mode,
                ToolVersion = toolVersion,
                StartedAt = startedAt,
                DumpSeconds = Math.Round(dumpSeconds, 3),
                VerifySeconds = Math.Round(decodeSeconds, 3),
                Verified = true,
            };
            var manifestPath = BackupManifest.PathFor(archive);
            File.WriteAllText(manifestPath, manifest.ToJson());
            RestrictToOwner(manifestPath);
            log($"Backup verified: {Megabytes(size)} from a {Megabytes(before.SizeBytes)} database, " +
                $"{before.RowCounts.Values.Sum()} rows in {before.RowCounts.Count} tables, alembic {string.Join(",", before.AlembicRevisions)}, " +
                $"sha256 {sha256[..12]}…, {dumpSeconds:0.0} s (decoded in the same pass)");
            return manifest;
        }
        catch (IOException exception) when (IsDiskFull(exception))
        {
            File.Delete(partial);
            throw new BackupException(DiskFullMessage(files.Directory));
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
    }

    /// <summary>
    /// pg_dump's stdout goes through an <see cref="ArchiveTee"/> into the file, the hash, and (custom format) the
    /// stdin of a pg_restore that decodes every entry to /dev/null while the dump is still running.
    /// </summary>
    async Task<(string Sha256, long Size, double DecodeSeconds)> DumpAndVerifyAsync(
        BackupRequest request, IPostgresTools tools, string snapshotId, string partial, CancellationToken cancellationToken)
    {
        var decodesWhileDumping = request.Format == BackupFormat.Custom;
        // 32 MiB of slack: the decoder runs at a lower priority (see StreamingDecodeCommand) and may fall behind for a
        // moment without holding pg_dump up.
        var decoderInput = decodesWhileDumping ? new Pipe(new PipeOptions(pauseWriterThreshold: 32 << 20, resumeWriterThreshold: 16 << 20)) : null;
        var decodeClock = new Stopwatch();
        var decoding = decoderInput is null
            ? Task.FromResult(new ToolResult(0, ""))
            : DecodeAsync(tools, decoderInput, decodeClock, cancellationToken);

        ToolResult dump;
        string sha256;
        long size;
        string tail;
        using var shown = (display ?? NoProgress.Instance).Start($"Backing up {request.Database.Name} (pg_dump, verified as written)", ProgressUnit.Bytes);
        await using (var tee = new ArchiveTee(partial, decoderInput?.Writer, bytes => shown.Report(bytes)))
        {
            dump = await tools.RunAsync(
                ["pg_dump", .. PgDumpCommands.DumpArguments(request.Format, request.Database.User, request.Database.Name, snapshotId, request.CompressionLevel)],
                new Dictionary<string, string?>(), tee, null, cancellationToken);
            sha256 = await tee.CompleteAsync(cancellationToken);
            size = tee.BytesWritten;
            tail = tee.Tail;
        }
        var decode = await decoding;

        if (!dump.Succeeded)
            throw new BackupException(dump.StandardError.Contains("No space left on device", StringComparison.Ordinal)
                ? DiskFullMessage(files.Directory)
                : $"pg_dump failed with exit code {dump.ExitCode}: {dump.ErrorTail}");
        if (size == 0)
            throw new BackupException("pg_dump exited successfully but wrote nothing.");
        if (!decode.Succeeded)
            throw new BackupException($"The archive does not decode (pg_restore exit code {decode.ExitCode}): {decode.ErrorTail}");
        if (request.Format == BackupFormat.Plain && !tail.Contains(PgDumpCommands.PlainDumpTrailer, StringComparison.Ordinal))
            throw new BackupException($"The plain dump lacks pg_dump's final '{PgDumpCommands.PlainDumpTrailer}' line: it was cut short.");
        return (sha256, size, decodeClock.Elapsed.TotalSeconds);
    }

    static async Task<ToolResult> DecodeAsync(IPostgresTools tools, Pipe input, Stopwatch clock, CancellationToken cancellationToken)
    {
        clock.Start();
        try
        {
            await using var stream = input.Reader.AsStream(leaveOpen: true);
            return await tools.RunAsync(PgDumpCommands.StreamingDecodeCommand(tools.Mode),
                new Dictionary<string, string?>(), null, stream, cancellationToken);
        }
        finally
        {
            // The dump may still be writing: tell it nobody reads any more, so it never waits on a full pipe.
            await input.Reader.CompleteAsync();
            clock.Stop();
        }
    }

    /// <summary>
    /// Checks an archive taken earlier before anything trusts it: its manifest says it was verified (fully decoded when
    /// it was written) and its sha256 still matches, so these are the very bytes that decoded. A plain dump must also
    /// still end with pg_dump's trailer. Decoding it again would only repeat that proof at the cost of minutes.
    /// </summary>
    public static void VerifyExisting(string archive, BackupManifest manifest)
    {
        if (!manifest.Verified)
            throw new BackupException($"{archive} was never verified (its manifest says so); it cannot be trusted for a restore.");
        if (BackupFiles.Sha256Of(archive) != manifest.Sha256)
            throw new BackupException($"{archive} no longer matches the sha256 in its manifest: it was changed or cut short after the backup.");
        if (manifest.Format == BackupFormat.Plain && !BackupFiles.EndsWithPlainDumpTrailer(archive))
            throw new BackupException($"{archive} lacks pg_dump's final line: it was cut short.");
    }

    static async Task<int> ServerMajorAsync(DatabaseInspector inspector, CancellationToken cancellationToken)
    {
        await using var connection = await inspector.OpenAsync(inspector.Database.Name, cancellationToken);
        return connection.PostgreSqlVersion.Major;
    }

    const int DiskFullHResult = 28; // ENOSPC

    static bool IsDiskFull(IOException exception) =>
        (exception.HResult & 0xFFFF) == DiskFullHResult || exception.Message.Contains("No space left on device", StringComparison.Ordinal);

    static string DiskFullMessage(string directory) =>
        $"The backup directory {directory} ran out of space during the dump; the partial file was deleted and nothing else changed. " +
        $"Free space there (or point {Setting.BackupDirectory.Flag()} at a larger disk) and run the upgrade again.";

    static string Megabytes(long bytes) => $"{bytes / 1024.0 / 1024.0:0.0} MB";

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
