using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using Npgsql;
using Nexplane.Upgrade.Processes;

namespace Nexplane.Upgrade.Database;

/// <summary>Seconds spent in each part of a parallel load, for the log and the benchmark.</summary>
public sealed record LoadTimings(double PreData, double Data, double PostData, long Rows, int Tables, int Streams)
{
    public override string ToString() =>
        $"pre-data {PreData:0.0} s, data {Data:0.0} s ({Rows} rows of {Tables} tables over {Streams} connections), post-data {PostData:0.0} s";
}

/// <summary>A step of the parallel load failed; the message names the tool and the end of its stderr.</summary>
public sealed class ParallelLoadException(string message) : Exception(message);

/// <summary>
/// Loads a custom-format archive with this machine's tools, faster than <c>pg_restore --jobs</c> alone when one big
/// table holds most of the data (pg_restore gives each table's COPY to a single connection, and COPY is CPU-bound in
/// the server). The sections pg_restore defines are restored in their order: pre-data by pg_restore; then the data,
/// where the rows of every table are streamed once by <c>pg_restore --file=-</c>, cut into chunks of whole rows and
/// fed to <c>jobs</c> Npgsql connections that COPY them side by side (sequence values and other non-table data go
/// through pg_restore); then post-data (indexes, constraints, triggers) by <c>pg_restore --jobs</c>. Every
/// connection gets the restore's session settings (PGOPTIONS, or Npgsql's Options); the password travels only in
/// the environment or in Npgsql's connection string.
/// </summary>
/// <param name="rowsHandedOut">Told the rows handed to the COPY connections so far, for a progress display.</param>
public sealed class ParallelRestoreLoader(DatabaseTarget database, string intoDatabase, string archive, int jobs, ICommandRunner commands,
    Action<long>? rowsHandedOut = null)
{
    const int ChunksPerConnection = 4;

    readonly IReadOnlyDictionary<string, string?> environment = PgDumpCommands.RestoreEnvironment(database, intoDatabase);

    /// <summary>Restores everything; throws <see cref="UnsupportedCopyScriptException"/> when the data cannot be split (load it the ordinary way).</summary>
    public async Task<LoadTimings> LoadAsync(CancellationToken cancellationToken)
    {
        var (tableData, otherData) = await DataEntriesAsync(cancellationToken);
        var lists = Directory.CreateTempSubdirectory("nexplane-restore-");
        try
        {
            var clock = Stopwatch.StartNew();
            await PgRestoreAsync("pre-data", ["--section=pre-data"], cancellationToken);
            var preData = clock.Elapsed.TotalSeconds;

            clock.Restart();
            var splitter = new CopyScriptSplitter(rowsHandedOut: rowsHandedOut);
            if (tableData.Count > 0)
                await SplitLoadAsync(WriteList(lists.FullName, "table-data.list", tableData), splitter, cancellationToken);
            if (otherData.Count > 0)
                await PgRestoreAsync("data (sequences, large objects)", [$"--use-list={WriteList(lists.FullName, "other-data.list", otherData)}"], cancellationToken);
            var data = clock.Elapsed.TotalSeconds;

            clock.Restart();
            await PgRestoreAsync("post-data", ["--section=post-data", .. jobs > 1 ? new[] { $"--jobs={jobs}" } : []], cancellationToken);
            return new LoadTimings(preData, data, clock.Elapsed.TotalSeconds, splitter.Rows.Values.Sum(), splitter.Rows.Count, Streams(tableData.Count));
        }
        finally
        {
            lists.Delete(recursive: true);
        }
    }

    int Streams(int tables) => tables == 0 ? 0 : Math.Max(jobs, 1);

    /// <summary>The archive's data-section entries as <c>pg_restore --list</c> prints them: TABLE DATA, and everything else.</summary>
    async Task<(List<string> TableData, List<string> Other)> DataEntriesAsync(CancellationToken cancellationToken)
    {
        using var listing = new MemoryStream();
        var result = await RunAsync("pg_restore", ["--list", "--section=data", archive], CommandStreams.To(listing), cancellationToken);
        if (!result.Succeeded)
            throw new ParallelLoadException($"pg_restore --list failed (exit code {result.ExitCode}): {result.ErrorTail}");
        var tableData = new List<string>();
        var other = new List<string>();
        foreach (var line in Encoding.UTF8.GetString(listing.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith(';'))
                continue;
            // "<dump id>; <catalog oid> <oid> <description> <schema> <name> <owner>": a data-section listing only holds
            // data entries, so a description that starts with "TABLE DATA " cannot be a table called DATA.
            var match = System.Text.RegularExpressions.Regex.Match(line, @"^\d+;\s+\d+\s+\d+\s+(?<rest>.*)$");
            if (!match.Success)
                throw new UnsupportedCopyScriptException($"unexpected line in pg_restore --list: \"{line}\"");
            (match.Groups["rest"].Value.StartsWith("TABLE DATA ", StringComparison.Ordinal) ? tableData : other).Add(line);
        }
        return (tableData, other);
    }

    static string WriteList(string directory, string name, List<string> entries)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllLines(path, entries);
        return path;
    }

    async Task PgRestoreAsync(string what, IReadOnlyList<string> selection, CancellationToken cancellationToken)
    {
        var result = await RunAsync("pg_restore",
            [.. PgDumpCommands.RestoreArguments(database.User, intoDatabase, jobs: 1, archivePath: null), .. selection, archive], CommandStreams.None,
            cancellationToken);
        if (!result.Succeeded)
            throw new ParallelLoadException($"pg_restore ({what}) failed (exit code {result.ExitCode}): {result.ErrorTail}");
    }

    /// <summary>
    /// One pg_restore prints the rows of every table; the splitter cuts them into chunks of whole rows; each of
    /// <c>jobs</c> psql connections takes the next chunk, starting (or switching to) that table's COPY as needed.
    /// The first failure stops everything; the caller drops or reports the half-loaded database.
    /// </summary>
    async Task SplitLoadAsync(string tableDataList, CopyScriptSplitter splitter, CancellationToken cancellationToken)
    {
        var streams = Math.Max(jobs, 1);
        var chunks = Channel.CreateBounded<CopyChunk>(new BoundedChannelOptions(streams * ChunksPerConnection)
        {
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var failures = new ConcurrentQueue<Exception>();
        void Fail(Exception exception)
        {
            failures.Enqueue(exception);
            chunks.Writer.TryComplete(exception);
            stop.Cancel();
        }

        async Task ProduceAsync()
        {
            try
            {
                // pg_restore prints the rows a few KB at a time: read them with blocking reads (see BlockingPipes).
                var output = new CommandStreams { ReadOutput = (stdout, token) =>
                {
                    try
                    {
                        splitter.Split(stdout, chunks.Writer, token);
                    }
                    catch (Exception exception) when (exception is not OperationCanceledException)
                    {
                        Fail(exception);
                    }
                } };
                var result = await RunAsync("pg_restore", [$"--use-list={tableDataList}", "--file=-", archive], output, stop.Token);
                if (!result.Succeeded)
                    Fail(new ParallelLoadException($"pg_restore (data) failed (exit code {result.ExitCode}): {result.ErrorTail}"));
                else
                    chunks.Writer.TryComplete();
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            catch (Exception exception)
            {
                Fail(exception);
            }
        }

        async Task ConsumeAsync(int number)
        {
            try
            {
                await CopyChunksAsync(splitter.Preamble, chunks.Reader, stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            catch (PostgresException exception)
            {
                Fail(new ParallelLoadException($"COPY connection {number} failed: {exception.MessageText}{(exception.Where is null ? "" : $" ({exception.Where})")}"));
            }
            catch (Exception exception)
            {
                Fail(exception);
            }
        }

        await Task.WhenAll([ProduceAsync(), .. Enumerable.Range(1, streams).Select(ConsumeAsync)]);
        while (chunks.Reader.TryRead(out var left))
            left.Return();

        cancellationToken.ThrowIfCancellationRequested();
        // The first failure is the cause (the others follow from stopping everything); an unsupported script means
        // "load it the ordinary way".
        var failure = failures.FirstOrDefault();
        if (failure is not null)
            throw failure is UnsupportedCopyScriptException or ParallelLoadException or DatabaseToolsException
                ? failure
                : new ParallelLoadException($"the parallel COPY failed: {failure.Message}");
    }

    /// <summary>
    /// One COPY connection: applies the script's session settings, then COPYs each chunk it takes under its table's
    /// COPY statement, ending that COPY (and committing it) when the next chunk belongs to another table. The rows
    /// are passed on as the bytes pg_restore printed: the script's client_encoding is UTF8, Npgsql's too, and the
    /// server checks every byte sequence.
    /// </summary>
    async Task CopyChunksAsync(Task<byte[]> preamble, ChannelReader<CopyChunk> chunks, CancellationToken cancellationToken)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(database.ConnectionStringFor(intoDatabase))
        {
            Options = PgDumpCommands.RestoreSessionOptions,
        }.ConnectionString;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        foreach (var statement in SessionStatements(await preamble.WaitAsync(cancellationToken)))
        {
            await using var command = new NpgsqlCommand(statement, connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        TextWriter? writer = null;
        byte[]? copy = null;
        await foreach (var chunk in chunks.ReadAllAsync(cancellationToken))
        {
            try
            {
                if (!ReferenceEquals(chunk.CopyStatement, copy))
                {
                    if (writer is not null)
                        await writer.DisposeAsync();
                    copy = chunk.CopyStatement;
                    writer = await connection.BeginTextImportAsync(Encoding.UTF8.GetString(copy).TrimEnd('\n', ';'), cancellationToken);
                }
                // The text writer would decode and re-encode; its stream takes the rows as they are.
                await ((StreamWriter)writer!).BaseStream.WriteAsync(chunk.Data, cancellationToken);
            }
            finally
            {
                chunk.Return();
            }
        }
        if (writer is not null)
            await writer.DisposeAsync();
    }

    /// <summary>
    /// The script's session settings as statements for an Npgsql connection. Only a UTF8 script can be passed on
    /// byte for byte; psql's \restrict lines and comments are not SQL.
    /// </summary>
    public static IReadOnlyList<string> SessionStatements(byte[] preamble)
    {
        var statements = new List<string>();
        var encoding = (string?)null;
        foreach (var line in Encoding.UTF8.GetString(preamble).Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("--", StringComparison.Ordinal) || line.StartsWith('\\'))
                continue;
            var setEncoding = System.Text.RegularExpressions.Regex.Match(line, @"^SET client_encoding = '(?<name>[^']*)';$");
            if (setEncoding.Success)
            {
                encoding = setEncoding.Groups["name"].Value;
                continue;
            }
            statements.Add(line);
        }
        if (!string.Equals(encoding, "UTF8", StringComparison.OrdinalIgnoreCase))
            throw new UnsupportedCopyScriptException(encoding is null
                ? "the data script sets no client_encoding"
                : $"the data is in the {encoding} encoding, not UTF8");
        return statements;
    }

    /// <summary>A pg_restore run as data: the restore's environment carries the password, never an argument.</summary>
    CommandLine Command(string program, IReadOnlyList<string> arguments) => new(program, arguments) { Environment = environment };

    async Task<ToolResult> RunAsync(string program, IReadOnlyList<string> arguments, CommandStreams streams, CancellationToken cancellationToken)
    {
        try
        {
            var result = await commands.RunStreamingAsync(Command(program, arguments), streams, cancellationToken);
            return new ToolResult(result.ExitCode, result.StandardError);
        }
        catch (CommandNotStartedException exception)
        {
            throw new DatabaseToolsException($"{program} cannot be started on this machine ({exception.Message}); install the PostgreSQL client tools.");
        }
    }
}
