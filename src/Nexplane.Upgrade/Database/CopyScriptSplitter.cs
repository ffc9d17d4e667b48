using System.Buffers;
using System.Text;
using System.Threading.Channels;

namespace Nexplane.Upgrade.Database;

/// <summary>A run of whole COPY text rows of one table, in a pooled buffer the consumer returns.</summary>
public sealed record CopyChunk(byte[] CopyStatement, byte[] Buffer, int Length)
{
    public ReadOnlyMemory<byte> Data => Buffer.AsMemory(0, Length);

    public void Return() => ArrayPool<byte>.Shared.Return(Buffer);
}

/// <summary>The data-only script pg_restore printed does not look as expected; the caller loads the archive the ordinary way.</summary>
public sealed class UnsupportedCopyScriptException(string message) : Exception(message);

/// <summary>
/// Cuts the data-only SQL script that <c>pg_restore --file=-</c> prints for TABLE DATA entries into chunks of whole
/// rows, so that several connections can COPY one table's rows at the same time. The script is a preamble of
/// session settings (SET ..., set_config, psql's \restrict), then per table a <c>COPY ... FROM stdin;</c> line,
/// its rows in COPY text format (one row per line: newlines inside values are written as \n) and a line <c>\.</c>,
/// which no row can be (a backslash in a value is written as \\). Anything else outside the rows makes the split
/// refuse (<see cref="UnsupportedCopyScriptException"/>) rather than guess; nothing is ever reordered within a chunk.
/// </summary>
public sealed class CopyScriptSplitter(int chunkBytes = 1 << 20, Action<long>? rowsHandedOut = null)
{
    static readonly byte[] EndOfData = "\\.\n"u8.ToArray();
    static readonly byte[] NewlineEndOfData = "\n\\.\n"u8.ToArray();

    readonly TaskCompletionSource<byte[]> preamble = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly MemoryStream preambleBytes = new();
    readonly Dictionary<string, long> rows = new(StringComparer.Ordinal);
    long rowsTotal;
    bool sawCopy;

    /// <summary>The session settings every consumer sends before its first COPY; set once the first COPY line is read.</summary>
    public Task<byte[]> Preamble => preamble.Task;

    /// <summary>Rows handed out per COPY target (as the script names it), counted by their line ends.</summary>
    public IReadOnlyDictionary<string, long> Rows => rows;

    /// <summary>
    /// Reads the whole script with blocking reads (run it on a thread of its own: see BlockingPipes for why) and
    /// writes the chunks to <paramref name="output"/>, waiting while it is full.
    /// </summary>
    public void Split(Stream script, ChannelWriter<CopyChunk> output, CancellationToken cancellationToken)
    {
        try
        {
            Read(script, output, cancellationToken);
            preamble.TrySetResult(preambleBytes.ToArray());
        }
        catch (Exception exception)
        {
            preamble.TrySetException(exception);
            throw;
        }
    }

    void Read(Stream script, ChannelWriter<CopyChunk> output, CancellationToken cancellationToken)
    {
        var buffer = new byte[chunkBytes];
        int start = 0, end = 0;
        byte[]? copy = null; // the current COPY statement while inside its rows
        string copyTarget = "";
        while (true)
        {
            if (start > 0 && start == end)
                start = end = 0;
            if (end == buffer.Length)
            {
                if (start > 0)
                {
                    Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                    end -= start;
                    start = 0;
                }
                else
                    Array.Resize(ref buffer, buffer.Length * 2); // a single line longer than the buffer
            }
            cancellationToken.ThrowIfCancellationRequested();
            var read = script.Read(buffer, end, buffer.Length - end);
            if (read == 0)
                break;
            end += read;

            while (start < end)
            {
                var pending = buffer.AsSpan(start, end - start);
                if (copy is null)
                {
                    var newline = pending.IndexOf((byte)'\n');
                    if (newline < 0)
                        break;
                    var line = pending[..newline];
                    start += newline + 1;
                    if (IsCopyStatement(line))
                    {
                        copy = [.. line, (byte)'\n'];
                        copyTarget = CopyTarget(line);
                        rows.TryAdd(copyTarget, 0);
                        if (!sawCopy)
                        {
                            sawCopy = true;
                            preamble.TrySetResult(preambleBytes.ToArray());
                        }
                    }
                    else if (IsPreambleLine(line, sawCopy))
                    {
                        if (!sawCopy)
                        {
                            preambleBytes.Write(line);
                            preambleBytes.WriteByte((byte)'\n');
                        }
                    }
                    else
                        throw new UnsupportedCopyScriptException($"unexpected line in pg_restore's data script: \"{Shorten(line)}\"");
                    continue;
                }

                if (pending.StartsWith(EndOfData))
                {
                    start += EndOfData.Length;
                    copy = null;
                    continue;
                }
                if (pending.Length < EndOfData.Length && EndOfData.AsSpan().StartsWith(pending))
                    break; // maybe the end marker, cut by the read
                var marker = pending.IndexOf(NewlineEndOfData);
                // Reads bring a few KB each; rows are gathered into chunks of at least half the buffer (less the row
                // cut by the read), since every chunk costs a hand-off and a network write of its own. Less than half
                // pending always leaves room to read more, after moving it to the front.
                if (marker < 0 && pending.Length < chunkBytes / 2)
                    break;
                var length = marker >= 0 ? marker + 1 : pending.LastIndexOf((byte)'\n') + 1;
                if (length == 0)
                    break; // a row longer than what was read so far
                var chunk = Cut(copy, copyTarget, pending[..length]);
                start += length;
                try
                {
                    while (!output.TryWrite(chunk))
                        if (!output.WaitToWriteAsync(cancellationToken).AsTask().GetAwaiter().GetResult())
                            throw new ChannelClosedException();
                }
                catch
                {
                    chunk.Return();
                    throw;
                }
                if (marker < 0)
                    break;
            }
        }
        if (copy is not null || start < end)
            throw new UnsupportedCopyScriptException(copy is not null
                ? $"the rows of {copyTarget} end without the \\. line: the script was cut short"
                : "the script ends in the middle of a line");
    }

    CopyChunk Cut(byte[] copy, string target, ReadOnlySpan<byte> data)
    {
        var pooled = ArrayPool<byte>.Shared.Rent(data.Length);
        data.CopyTo(pooled);
        var rowsInChunk = data.Count((byte)'\n');
        rows[target] += rowsInChunk;
        rowsTotal += rowsInChunk;
        rowsHandedOut?.Invoke(rowsTotal);
        return new CopyChunk(copy, pooled, data.Length);
    }

    static bool IsCopyStatement(ReadOnlySpan<byte> line) =>
        line.StartsWith("COPY "u8) && line.EndsWith(" FROM stdin;"u8);

    /// <summary>Session settings before the first COPY; afterwards only comments, blank lines and psql's closing \unrestrict.</summary>
    static bool IsPreambleLine(ReadOnlySpan<byte> line, bool afterFirstCopy) =>
        line.IsEmpty || line.StartsWith("--"u8) || line.StartsWith("\\unrestrict "u8) ||
        (!afterFirstCopy && (line.StartsWith("SET "u8) || line.StartsWith("SELECT pg_catalog.set_config("u8) || line.StartsWith("\\restrict "u8)));

    static string CopyTarget(ReadOnlySpan<byte> line)
    {
        var text = Encoding.UTF8.GetString(line["COPY "u8.Length..]);
        var columns = text.IndexOf(" (", StringComparison.Ordinal);
        return columns > 0 ? text[..columns] : text[..^" FROM stdin;".Length];
    }

    static string Shorten(ReadOnlySpan<byte> line)
    {
        var text = Encoding.UTF8.GetString(line[..Math.Min(line.Length, 80)]);
        return line.Length > 80 ? text + "…" : text;
    }
}
