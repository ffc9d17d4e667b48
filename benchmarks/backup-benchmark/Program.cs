using System.Diagnostics;
using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Processes;

// Side by side on one database, in one run: our backup (dump + sha256, then the full decode that follows the file, then
// the manifest) against bare pg_dump of the same format and compression, timed twice: when the archive is written (the
// upgrade's Pull starts then; the decode check finishes beside it) and when it is verified (Stop waits for that), and our restore (sha256, parallel COPY, pg_restore post-data, verified,
// swapped in) against the runbook's psql replay of a plain dump. Usage: BackupBenchmark <port> <database> <work directory>
if (args.Length is < 3 or > 4)
{
    Console.Error.WriteLine("usage: BackupBenchmark <port> <database> <work directory> [pairs of the default format, 5]");
    return 2;
}
var port = int.Parse(args[0]);
var databaseName = args[1];
var work = args[2];
var defaultPairCount = args.Length == 4 ? int.Parse(args[3]) : 5;
var database = new DatabaseTarget("127.0.0.1", port, databaseName, "postgres", null);
var rows = new List<(string What, double Seconds, long Bytes)>();
ICommandRunner commands = new CliWrapCommandRunner();

async Task<double> TimeAsync(Func<Task> action)
{
    var clock = Stopwatch.StartNew();
    await action();
    return clock.Elapsed.TotalSeconds;
}

// CPU seconds of this process and of its finished children (pg_dump, pg_restore): the client side's work, which a
// busy machine slows down far less than it slows the wall clock. The server's share is not in it.
static double ClientCpuSeconds()
{
    var fields = File.ReadAllText("/proc/self/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
    // After the command's closing parenthesis: state is field 3, so utime, stime, cutime, cstime are 14-17 (index 11-14).
    return fields[11..15].Sum(long.Parse) / 100.0;
}

async Task<(double Seconds, double Cpu, T Result)> MeasureAsync<T>(Func<Task<T>> action)
{
    var cpu = ClientCpuSeconds();
    var clock = Stopwatch.StartNew();
    var result = await action();
    return (clock.Elapsed.TotalSeconds, ClientCpuSeconds() - cpu, result);
}

static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

async Task RunCheckedAsync(CommandLine command) => await commands.RunCheckedAsync(command);

CommandLine Bare(string program, params string[] arguments) => new(program, arguments) { Environment = database.LibpqEnvironment };

async Task<(double Seconds, long Bytes)> BarePgDumpAsync(BackupFormat format, int level)
{
    var file = Path.Combine(work, $"bare-{format}-{level}{BackupFiles.Extension(format)}");
    var seconds = await TimeAsync(() => RunCheckedAsync(Bare("pg_dump",
        [.. PgDumpCommands.DumpArguments(format, database.User, database.Name, compressionLevel: level), $"--file={file}"])));
    var bytes = new FileInfo(file).Length;
    File.Delete(file);
    return (seconds, bytes);
}

async Task<(double Written, double Verified, long Bytes, string Archive)> OurBackupAsync(BackupFormat format, int level, bool keep)
{
    var directory = Path.Combine(work, $"ours-{format}-{level}");
    var service = new BackupService(new BackupFiles(directory), null, commands, _ => { });
    var clock = Stopwatch.StartNew();
    var written = await service.StartAsync(
        new BackupRequest(database, BackupMode.Host, format, "bench", new Dictionary<string, string>(), null, level), CancellationToken.None);
    var writtenSeconds = clock.Elapsed.TotalSeconds;
    var manifest = await written.Verified;
    var verifiedSeconds = clock.Elapsed.TotalSeconds;
    var archive = Path.Combine(directory, manifest.ArchiveFile);
    if (!keep)
        Directory.Delete(directory, recursive: true);
    return (writtenSeconds, verifiedSeconds, manifest.SizeBytes, archive);
}

Console.WriteLine($"Backups of {databaseName} (pg_database_size: {(await new DatabaseInspector(database).SnapshotAsync(CancellationToken.None)).SizeBytes / 1e9:0.00} GB), {Environment.ProcessorCount} cores");
Console.WriteLine();
Console.WriteLine("| format, compression | bare pg_dump | ours: written (Pull starts) | ours: verified (Stop may start) | overhead written: median of pairs (spread) | overhead verified: median | client CPU bare / ours | archive |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
string? customArchive = null;
// The default (custom, level 0) is measured in interleaved pairs whose order alternates (bare first, then ours first),
// reported with every pair's overhead and their spread: one pair on a shared 2-core machine varies by about a second
// either way, so a median alone says little. The overhead is the median of the pairs' own ratios, not the ratio of
// two medians taken from different pairs. The other formats get one pair each.
var defaultPairs = new List<(double Bare, double Ours, double OursVerified, double BareCpu, double OursCpu, string Load)>();
foreach (var (format, level) in new[] { (BackupFormat.Custom, 0), (BackupFormat.Custom, 1), (BackupFormat.Custom, 6), (BackupFormat.Plain, 0) })
{
    var isDefault = format == BackupFormat.Custom && level == PgDumpCommands.CustomCompressionLevel;
    var pairs = new List<(double Bare, double Ours, double OursVerified, double BareCpu, double OursCpu, string Load)>();
    long bytes = 0;
    var count = isDefault ? defaultPairCount : 1;
    for (var pair = 0; pair < count; pair++)
    {
        var load = LoadAverage();
        var keep = isDefault && pair == count - 1;
        (double Seconds, double Cpu, (double Seconds, long Bytes) Result) bare;
        (double Seconds, double Cpu, (double Written, double Verified, long Bytes, string Archive) Result) ours;
        if (pair % 2 == 0)
        {
            bare = await MeasureAsync(() => BarePgDumpAsync(format, level));
            ours = await MeasureAsync(() => OurBackupAsync(format, level, keep));
        }
        else
        {
            ours = await MeasureAsync(() => OurBackupAsync(format, level, keep));
            bare = await MeasureAsync(() => BarePgDumpAsync(format, level));
        }
        if (keep)
            customArchive = ours.Result.Archive;
        pairs.Add((bare.Result.Seconds, ours.Result.Written, ours.Result.Verified, bare.Cpu, ours.Cpu, load));
        bytes = ours.Result.Bytes;
    }
    if (isDefault)
        defaultPairs = pairs;
    var overheads = pairs.Select(p => p.Ours / p.Bare - 1).ToArray();
    var label = (format == BackupFormat.Custom ? $"custom, level {level}" : "plain SQL") + (isDefault ? $" (default; {count} pairs)" : "");
    var spread = overheads.Length > 1 ? $" ({Percent(overheads.Min())} to {Percent(overheads.Max())})" : "";
    Console.WriteLine($"| {label} | {Median(pairs.Select(p => p.Bare)):0.0} s | {Median(pairs.Select(p => p.Ours)):0.0} s | {Median(pairs.Select(p => p.OursVerified)):0.0} s | " +
                      $"{Percent(Median(overheads))}{spread} | {Percent(Median(pairs.Select(p => p.OursVerified / p.Bare - 1)))} | " +
                      $"{Median(pairs.Select(p => p.BareCpu)):0.0} / {Median(pairs.Select(p => p.OursCpu)):0.0} s | {bytes / 1e6:0} MB |");
}
Console.WriteLine();
Console.WriteLine("Default format, each pair (bare / ours written / ours verified, client CPU bare / ours, load average before the pair; odd pairs ran ours first):");
foreach (var (p, index) in defaultPairs.Select((p, i) => (p, i + 1)))
    Console.WriteLine($"  {index}. {p.Bare:0.00} / {p.Ours:0.00} / {p.OursVerified:0.00} s ({Percent(p.Ours / p.Bare - 1)} written, {Percent(p.OursVerified / p.Bare - 1)} verified), " +
                      $"CPU {p.BareCpu:0.0} / {p.OursCpu:0.0} s, load {p.Load}");
var defaultOverheads = defaultPairs.Select(p => p.Ours / p.Bare - 1).Order().ToArray();
var verifiedOverheads = defaultPairs.Select(p => p.OursVerified / p.Bare - 1).Order().ToArray();
Console.WriteLine($"Default overhead until written (what the upgrade waits for before Pull) over {defaultOverheads.Length} pairs: min {Percent(defaultOverheads[0])}, " +
                  $"median {Percent(Median(defaultOverheads))}, max {Percent(defaultOverheads[^1])} (target < +10 %)");
Console.WriteLine($"Default overhead until verified (Stop waits for it; in an upgrade the rest of the check runs beside Pull): min {Percent(verifiedOverheads[0])}, " +
                  $"median {Percent(Median(verifiedOverheads))}, max {Percent(verifiedOverheads[^1])}; the check ends a median " +
                  $"{Median(defaultPairs.Select(p => p.OursVerified - p.Ours)):0.0} s after the archive is written");

// Restore: the runbook's way (plain dump replayed by psql into a fresh database) against ours.
var plainFile = Path.Combine(work, "runbook.sql");
await RunCheckedAsync(Bare("pg_dump", "--format=plain", $"--username={database.User}", $"--dbname={database.Name}", $"--file={plainFile}"));
var runbookDatabase = databaseName + "_runbook";
await RunCheckedAsync(Bare("psql", "--quiet", "--dbname=postgres", $"--command=create database {runbookDatabase}"));
var runbookSeconds = await TimeAsync(() => RunCheckedAsync(Bare("psql", "--quiet", "--output=/dev/null", $"--dbname={runbookDatabase}", $"--file={plainFile}")));
await RunCheckedAsync(Bare("psql", "--quiet", "--dbname=postgres", $"--command=drop database {runbookDatabase}"));
File.Delete(plainFile);

// For reference, in the same run: what the previous restore's load step was, pg_restore --jobs alone (no checks, no swap).
var jobs = Environment.ProcessorCount;
var referenceDatabase = databaseName + "_pg_restore_jobs";
await RunCheckedAsync(Bare("psql", "--quiet", "--dbname=postgres", $"--command=create database {referenceDatabase} template template0"));
var referenceSeconds = await TimeAsync(() => RunCheckedAsync(
    PgDumpCommands.HostRestore(database, referenceDatabase, BackupFormat.Custom, customArchive!, jobs)));
await RunCheckedAsync(Bare("psql", "--quiet", "--dbname=postgres", $"--command=drop database {referenceDatabase}"));

RestoreResult restored = null!;
var oursSeconds = await TimeAsync(async () => restored = await new RestoreService(null, commands, _ => { }, _ => { }).RestoreAsync(
    new RestoreRequest(database, customArchive!, BackupMode.Host, null, jobs), CancellationToken.None));

Console.WriteLine();
Console.WriteLine("| restore | seconds | speed-up |");
Console.WriteLine("|---|---:|---:|");
Console.WriteLine($"| runbook: psql < plain dump | {runbookSeconds:0.0} s | 1.0x |");
Console.WriteLine($"| reference: bare pg_restore --jobs={jobs} (the previous restore's load step, no checks) | {referenceSeconds:0.0} s | {runbookSeconds / referenceSeconds:0.0}x |");
Console.WriteLine($"| ours: sha256 beside the load + parallel COPY ({jobs} connections) + pg_restore post-data ({jobs} jobs) + verify + swap | {oursSeconds:0.0} s | {runbookSeconds / oursSeconds:0.00}x |");
Console.WriteLine();
Console.WriteLine("Our restore, phase by phase (the sha256 runs beside the load):");
foreach (var (phase, seconds) in restored.Phases)
    Console.WriteLine($"  {phase}: {seconds:0.00} s");
Console.WriteLine();
Console.WriteLine($"(the replaced database was kept as {restored.KeptFailedDatabase})");
return 0;

static string Percent(double ratio) => $"{ratio * 100:+0.0;-0.0} %";

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}
