using System.Diagnostics;
using System.Text.RegularExpressions;
using Nexplane.Upgrade.Processes;

namespace Nexplane.Upgrade.Database;

/// <summary>What to back up and where pg_dump can run.</summary>
public sealed record BackupRequest(
    DatabaseTarget Database,
    BackupMode Mode,
    BackupFormat Format,
    string NexplaneVersion,
    IReadOnlyDictionary<string, string> Images,
    string? DatabaseContainerId);

/// <summary>
/// The runbook's "back up the database", made trustworthy: pg_dump on the host or inside the db container,
/// written to a partial file, fully decoded, hashed, described by a manifest, and only then given its final name.
/// A backup that fails any check is deleted and the error says why; no half backup is ever left looking whole.
/// </summary>
public sealed partial class BackupService(BackupFiles files, ContainerExec? containerExec, Action<string> log)
{
    public async Task<BackupManifest> BackUpAsync(BackupRequest request, CancellationToken cancellationToken)
    {
        files.EnsureExists();
        var inspector = new DatabaseInspector(request.Database);
        var before = await inspector.SnapshotAsync(cancellationToken);
        var mode = await ChooseModeAsync(request, before.ServerVersion, cancellationToken);
        var startedAt = DateTimeOffset.UtcNow;
        var archive = files.NewArchivePath(startedAt, request.NexplaneVersion, request.Format);
        var partial = archive + ".partial";
        log($"Dumping {request.Database} ({before.SizeBytes / 1024 / 1024} MB) with pg_dump {mode.ToString().ToLowerInvariant()}-side to {archive}");

        try
        {
            // Created owner-only before pg_dump writes a byte: the dump holds password hashes and tokens.
            CreateOwnerOnlyFile(partial);
            var dumpClock = Stopwatch.StartNew();
            var toolVersion = mode == BackupMode.Host
                ? await DumpOnHostAsync(request, partial, cancellationToken)
                : await DumpInContainerAsync(request, partial, cancellationToken);
            dumpClock.Stop();

            var verifyClock = Stopwatch.StartNew();
            await VerifyAsync(request, mode, partial, cancellationToken);
            var sha256 = BackupFiles.Sha256Of(partial);
            verifyClock.Stop();

            File.Move(partial, archive);
            var manifest = new BackupManifest
            {
                ArchiveFile = Path.GetFileName(archive),
                Format = request.Format,
                Sha256 = sha256,
                SizeBytes = new FileInfo(archive).Length,
                NexplaneVersion = request.NexplaneVersion,
                Images = request.Images,
                AlembicRevisions = before.AlembicRevisions,
                RowCounts = before.RowCounts,
                DatabaseSizeBytes = before.SizeBytes,
                Database = request.Database.ToString(),
                Mode = mode,
                ToolVersion = toolVersion,
                StartedAt = startedAt,
                DumpSeconds = Math.Round(dumpClock.Elapsed.TotalSeconds, 3),
                VerifySeconds = Math.Round(verifyClock.Elapsed.TotalSeconds, 3),
                Verified = true,
            };
            var manifestPath = BackupManifest.PathFor(archive);
            File.WriteAllText(manifestPath, manifest.ToJson());
            RestrictToOwner(manifestPath);
            log($"Backup verified: {manifest.SizeBytes / 1024} KiB, sha256 {sha256[..12]}…, dump {manifest.DumpSeconds:0.0} s, verify {manifest.VerifySeconds:0.0} s");
            return manifest;
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
    }

    /// <summary>
    /// Auto: the host's pg_dump when the database answers on TCP and the host's tools are at least as new as the
    /// server (an older pg_dump refuses a newer server); otherwise the tools inside the db container.
    /// </summary>
    async Task<BackupMode> ChooseModeAsync(BackupRequest request, string serverVersion, CancellationToken cancellationToken)
    {
        if (request.Mode != BackupMode.Auto)
            return request.Mode;
        var hostMajor = await HostToolMajorAsync("pg_dump", cancellationToken);
        var serverMajor = int.Parse(serverVersion.Split('.')[0]);
        if (hostMajor >= serverMajor)
            return BackupMode.Host;
        if (request.DatabaseContainerId is null)
            throw new BackupException(hostMajor is null
                ? "pg_dump is not installed on this machine and the db container was not found; install the PostgreSQL client tools."
                : $"The host's pg_dump {hostMajor} is older than the server ({serverMajor}) and the db container was not found.");
        log(hostMajor is null
            ? "No pg_dump on this machine: dumping inside the db container."
            : $"The host's pg_dump {hostMajor} is older than PostgreSQL {serverMajor}: dumping inside the db container.");
        return BackupMode.Container;
    }

    async Task<string> DumpOnHostAsync(BackupRequest request, string partial, CancellationToken cancellationToken)
    {
        var result = await CommandRunner.RunAsync(PgDumpCommands.HostDump(request.Database, request.Format, partial), cancellationToken: cancellationToken);
        if (!result.Succeeded)
            throw new BackupException($"pg_dump failed with exit code {result.ExitCode}: {Tail(result.StandardError)}");
        return (await CommandRunner.RunAsync(PgDumpCommands.HostToolVersion("pg_dump"), cancellationToken: cancellationToken)).StandardOutput.FirstOrDefault() ?? "pg_dump";
    }

    async Task<string> DumpInContainerAsync(BackupRequest request, string partial, CancellationToken cancellationToken)
    {
        var exec = RequireContainer(request, out var containerId);
        var environment = new Dictionary<string, string?> { ["PGPASSWORD"] = request.Database.Password };
        await using (var output = new FileStream(partial, FileMode.Truncate, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true))
        {
            var (exitCode, standardError) = await exec.RunAsync(containerId,
                ["pg_dump", .. PgDumpCommands.DumpArguments(request.Format, request.Database.User, request.Database.Name)],
                environment, output, null, cancellationToken);
            if (exitCode != 0)
                throw new BackupException($"pg_dump in the db container failed with exit code {exitCode}: {standardError.Trim()}");
        }
        var version = new MemoryStream();
        await exec.RunAsync(containerId, ["pg_dump", "--version"], new Dictionary<string, string?>(), version, null, cancellationToken);
        return System.Text.Encoding.UTF8.GetString(version.ToArray()).Trim();
    }

    async Task VerifyAsync(BackupRequest request, BackupMode mode, string archive, CancellationToken cancellationToken)
    {
        if (new FileInfo(archive).Length == 0)
            throw new BackupException("pg_dump produced an empty file.");
        if (request.Format == BackupFormat.Plain)
        {
            if (!EndsWithTrailer(archive))
                throw new BackupException($"The plain dump lacks pg_dump's final '{PgDumpCommands.PlainDumpTrailer}' line: it was cut short.");
            return;
        }

        if (mode == BackupMode.Host)
        {
            var result = await CommandRunner.RunAsync(PgDumpCommands.HostFullDecode(archive), cancellationToken: cancellationToken);
            if (!result.Succeeded)
                throw new BackupException($"The archive does not decode (pg_restore exit code {result.ExitCode}): {Tail(result.StandardError)}");
            return;
        }

        var exec = RequireContainer(request, out var containerId);
        await using var input = File.OpenRead(archive);
        var (exitCode, standardError) = await exec.RunAsync(containerId, ["pg_restore", .. PgDumpCommands.FullDecodeArguments(null)],
            new Dictionary<string, string?>(), null, input, cancellationToken);
        if (exitCode != 0)
            throw new BackupException($"The archive does not decode (pg_restore in the db container, exit code {exitCode}): {standardError.Trim()}");
    }

    /// <summary>Checks a custom or plain archive taken earlier, e.g. before a restore, on the host.</summary>
    public static async Task VerifyExistingAsync(string archive, BackupManifest manifest, CancellationToken cancellationToken)
    {
        if (BackupFiles.Sha256Of(archive) != manifest.Sha256)
            throw new BackupException($"{archive} no longer matches the sha256 in its manifest: it changed after the backup was verified.");
        if (manifest.Format == BackupFormat.Plain && !EndsWithTrailer(archive))
            throw new BackupException($"{archive} lacks pg_dump's final line: it was cut short.");
        await Task.CompletedTask.WaitAsync(cancellationToken);
    }

    static bool EndsWithTrailer(string path)
    {
        using var stream = File.OpenRead(path);
        var length = Math.Min(stream.Length, 4096);
        stream.Seek(-length, SeekOrigin.End);
        var buffer = new byte[length];
        stream.ReadExactly(buffer);
        return System.Text.Encoding.UTF8.GetString(buffer).Contains(PgDumpCommands.PlainDumpTrailer, StringComparison.Ordinal);
    }

    ContainerExec RequireContainer(BackupRequest request, out string containerId)
    {
        containerId = request.DatabaseContainerId
            ?? throw new BackupException("The db container was not found, so pg_dump cannot run inside it. Is the db service running?");
        return containerExec ?? throw new BackupException("Container mode needs the Docker engine.");
    }

    static async Task<int?> HostToolMajorAsync(string tool, CancellationToken cancellationToken)
    {
        try
        {
            var result = await CommandRunner.RunAsync(PgDumpCommands.HostToolVersion(tool), cancellationToken: cancellationToken);
            var match = MajorVersionPattern().Match(string.Join(' ', result.StandardOutput));
            return result.Succeeded && match.Success ? int.Parse(match.Groups["major"].Value) : null;
        }
        catch (Exception exception) when (exception is System.ComponentModel.Win32Exception or CliWrap.Exceptions.CommandExecutionException)
        {
            return null;
        }
    }

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

    static string Tail(IReadOnlyList<string> lines) => string.Join(" ", lines.TakeLast(5)).Trim();

    [GeneratedRegex(@"\(PostgreSQL\)\s+(?<major>\d+)")]
    private static partial Regex MajorVersionPattern();
}

/// <summary>The backup failed or did not verify. The upgrade stops here, before anything changed.</summary>
public sealed class BackupException(string message) : Exception(message);
