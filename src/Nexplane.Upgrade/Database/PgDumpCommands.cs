using Nexplane.Upgrade.Processes;

namespace Nexplane.Upgrade.Database;

/// <summary>
/// pg_dump and pg_restore invocations as data. The same argument lists run on the host (libpq environment carries
/// the connection and the password) or inside the db container (through the Docker API, output streamed out).
/// </summary>
public static class PgDumpCommands
{
    /// <summary>
    /// Compression of custom-format archives. Level 1 is the measured sweet spot: most of gzip's size reduction
    /// at a fraction of the default level's (6) CPU time, so the dump is bounded by I/O rather than compression.
    /// </summary>
    public const int CustomCompressionLevel = 1;

    /// <summary>The dump's arguments after the program name; output goes to stdout so it can be streamed.</summary>
    public static IReadOnlyList<string> DumpArguments(BackupFormat format, string user, string database) =>
    [
        format == BackupFormat.Custom ? "--format=custom" : "--format=plain",
        .. format == BackupFormat.Custom ? new[] { $"--compress={CustomCompressionLevel}" } : [],
        "--no-password",
        $"--username={user}",
        $"--dbname={database}",
    ];

    /// <summary>Host pg_dump writing straight to the archive file.</summary>
    public static CommandLine HostDump(DatabaseTarget database, BackupFormat format, string archivePath) =>
        new("pg_dump", [.. DumpArguments(format, database.User, database.Name), $"--file={archivePath}"])
        {
            Environment = database.LibpqEnvironment,
        };

    /// <summary>
    /// A full decode of a custom archive: pg_restore turns every entry, table data included, into SQL and throws
    /// it away. A truncated or corrupt archive fails here, unlike with <c>--list</c>, which reads only the TOC.
    /// </summary>
    public static IReadOnlyList<string> FullDecodeArguments(string? archivePath) =>
        archivePath is null ? ["--file=/dev/null"] : ["--file=/dev/null", archivePath];

    public static CommandLine HostFullDecode(string archivePath) => new("pg_restore", FullDecodeArguments(archivePath));

    public static CommandLine HostToolVersion(string tool) => new(tool, "--version");

    /// <summary>The trailer pg_dump writes last in a plain dump; a dump cut short lacks it.</summary>
    public const string PlainDumpTrailer = "-- PostgreSQL database dump complete";
}
