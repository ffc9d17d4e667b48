using Nexplane.Upgrade.Processes;

namespace Nexplane.Upgrade.Database;

/// <summary>
/// pg_dump, pg_restore and psql invocations as data. The same argument lists run on the host (the libpq environment
/// carries host, port and password) or inside the db container (through the Docker API, over its local socket).
/// Archives always travel through stdin/stdout, so one streaming path serves both places.
/// </summary>
public static class PgDumpCommands
{
    /// <summary>
    /// Compression of custom-format archives, chosen by benchmarks/backup.sh on a 1.5 GB generated database (2 cores,
    /// shared with other work; two runs). Bare pg_dump took 8.3-11.8 s at level 0, 10.6-21.9 s at level 1 and
    /// 23.9-56.8 s at level 6, for archives of 978, 393 and 373 MB. Our backup (same-pass decode, sha256, row counts)
    /// added 9% at level 0 but 36-50% at level 1, because decompressing competes with compressing for the CPU
    /// (2026-11-26, with blocking pipe reads: +3-4% at level 0, +9-28% at level 1). Speed wins: level 0. The price is an archive about 65% of the database's size, within what Preflight's
    /// disk-space check already requires (the database's size).
    /// </summary>
    public const int CustomCompressionLevel = 0;

    /// <summary>The dump's arguments after the program name; the archive goes to stdout so it can be streamed.</summary>
    public static IReadOnlyList<string> DumpArguments(BackupFormat format, string user, string database, string? snapshot = null,
        int compressionLevel = CustomCompressionLevel) =>
    [
        format == BackupFormat.Custom ? "--format=custom" : "--format=plain",
        .. format == BackupFormat.Custom ? new[] { $"--compress={compressionLevel}" } : [],
        .. snapshot is null ? Array.Empty<string>() : [$"--snapshot={snapshot}"],
        "--no-password",
        $"--username={user}",
        $"--dbname={database}",
    ];

    /// <summary>
    /// A full decode of a custom archive read from stdin (or a file): pg_restore turns every entry, table data
    /// included, into SQL and throws it away. A truncated or corrupt archive fails here, unlike with <c>--list</c>,
    /// which reads only the table of contents.
    /// </summary>
    public static IReadOnlyList<string> FullDecodeArguments(string? archivePath) =>
        archivePath is null ? ["--file=/dev/null"] : ["--file=/dev/null", archivePath];

    /// <summary>
    /// The decoder that verifies a custom archive from stdin (the written archive file, in an upgrade beside the image
    /// pulls). With the host's tools it runs under <c>nice -n 19</c>, so the live app keeps the CPU it needs. The db container's image may lack <c>nice</c> (the sandbox's has
    /// none), so there it runs as it is.
    /// </summary>
    public static IReadOnlyList<string> StreamingDecodeCommand(BackupMode mode) =>
        mode == BackupMode.Host
            ? ["nice", "-n", "19", "pg_restore", .. FullDecodeArguments(null)]
            : ["pg_restore", .. FullDecodeArguments(null)];

    public static CommandLine HostToolVersion(string tool) => new(tool, "--version");

    /// <summary>
    /// pg_restore into <paramref name="database"/>. Objects are owned by the restoring role (the deployment's own
    /// user); <paramref name="jobs"/> &gt; 1 loads tables and builds indexes in parallel, which needs a seekable file.
    /// </summary>
    public static IReadOnlyList<string> RestoreArguments(string user, string database, int jobs, string? archivePath) =>
    [
        "--no-password",
        $"--username={user}",
        $"--dbname={database}",
        "--no-owner",
        "--exit-on-error",
        .. jobs > 1 && archivePath is not null ? new[] { $"--jobs={jobs}" } : [],
        .. archivePath is null ? Array.Empty<string>() : [archivePath],
    ];

    /// <summary>psql replaying a plain dump in one transaction, stopping at the first error.</summary>
    public static IReadOnlyList<string> PlainRestoreArguments(string user, string database, string? archivePath) =>
    [
        "--no-password",
        "--quiet",
        "--no-psqlrc",
        // psql prints the results of the dump's set_config() calls; nobody reads them.
        "--output=/dev/null",
        "--set=ON_ERROR_STOP=1",
        "--single-transaction",
        $"--username={user}",
        $"--dbname={database}",
        .. archivePath is null ? Array.Empty<string>() : [$"--file={archivePath}"],
    ];

    /// <summary>
    /// Session settings for the restoring connections: a large maintenance_work_mem keeps index builds in memory,
    /// and an asynchronous commit does not wait for each table's WAL flush. Both are safe here because the restore
    /// goes into a fresh database that is swapped in only after its contents were checked.
    /// </summary>
    public const string RestoreSessionOptions = "-c maintenance_work_mem=512MB -c synchronous_commit=off";

    public static CommandLine HostRestore(DatabaseTarget database, string intoDatabase, BackupFormat format, string archivePath, int jobs) =>
        format == BackupFormat.Custom
            ? new("pg_restore", RestoreArguments(database.User, intoDatabase, jobs, archivePath)) { Environment = RestoreEnvironment(database, intoDatabase) }
            : new("psql", PlainRestoreArguments(database.User, intoDatabase, archivePath)) { Environment = RestoreEnvironment(database, intoDatabase) };

    /// <summary>The same restore run inside the db container, the archive arriving on stdin.</summary>
    public static IReadOnlyList<string> ContainerRestore(string user, string intoDatabase, BackupFormat format) =>
        format == BackupFormat.Custom
            ? ["pg_restore", .. RestoreArguments(user, intoDatabase, jobs: 1, archivePath: null)]
            : ["psql", .. PlainRestoreArguments(user, intoDatabase, archivePath: null)];

    public static IReadOnlyDictionary<string, string?> RestoreEnvironment(DatabaseTarget database, string intoDatabase) =>
        new Dictionary<string, string?>(database.LibpqEnvironment)
        {
            ["PGDATABASE"] = intoDatabase,
            ["PGOPTIONS"] = RestoreSessionOptions,
        };

    /// <summary>The trailer pg_dump writes last in a plain dump; a dump cut short lacks it.</summary>
    public const string PlainDumpTrailer = "-- PostgreSQL database dump complete";
}
