using System.Security.Cryptography;

namespace Nexplane.Upgrade.Database;

/// <summary>
/// Where pg_dump's output goes: each chunk is written to the archive file and added to its sha256; after each chunk
/// the file's length so far is reported (for a progress display). pg_dump's output arrives in pipe-sized pieces (about 8 KB); they are gathered
/// into 1 MiB chunks first, since the file write and hash update per piece cost more than the copy (measured: +20-30 %
/// over bare pg_dump on a 1 GB archive without the gathering).
/// </summary>
public sealed class ArchiveTee : Stream
{
    const int TailLength = 4096;
    const int ChunkLength = 1 << 20;

    readonly FileStream file;
    readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    readonly Action<long>? written;
    readonly byte[] tail = new byte[TailLength];
    readonly byte[] chunk = new byte[ChunkLength];
    int chunkFilled;
    int tailFilled;

    /// <param name="path">The archive file, created beforehand with owner-only permissions.</param>
    /// <param name="written">Told the bytes passed on to the file after each chunk.</param>
    public ArchiveTee(string path, Action<long>? written = null)
    {
        // Synchronous writes: a write to the page cache is a memory copy, and the host's pg_dump output is copied on a
        // thread of its own (BlockingPipes); the asynchronous path cost about 1 CPU-second per GB more (measured).
        file = new FileStream(path, FileMode.Truncate, FileAccess.Write, FileShare.None, bufferSize: 0);
        this.written = written;
    }

    /// <summary>Bytes accepted so far (the last of them reach the file at the latest in <see cref="CompleteAsync"/>).</summary>
    public long BytesWritten { get; private set; }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (buffer.Length > 0)
        {
            var taken = Math.Min(buffer.Length, ChunkLength - chunkFilled);
            buffer[..taken].CopyTo(chunk.AsSpan(chunkFilled));
            chunkFilled += taken;
            BytesWritten += taken;
            buffer = buffer[taken..];
            if (chunkFilled == ChunkLength)
                PassOnChunk();
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>The gathered bytes go to the file and the hash; then the new length is reported.</summary>
    void PassOnChunk()
    {
        if (chunkFilled == 0)
            return;
        var bytes = chunk.AsSpan(0, chunkFilled);
        file.Write(bytes);
        hash.AppendData(bytes);
        RememberTail(bytes);
        chunkFilled = 0;
        written?.Invoke(BytesWritten);
    }

    /// <summary>Flushes the file to disk and returns the sha256 of everything written.</summary>
    public Task<string> CompleteAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        PassOnChunk();
        file.Flush(flushToDisk: true);
        return Task.FromResult(Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    /// <summary>The last bytes written (up to 4 KiB), where a plain dump's trailer must be.</summary>
    public string Tail
    {
        get
        {
            var last = new byte[Math.Min(TailLength, tailFilled + chunkFilled)];
            var fromChunk = Math.Min(chunkFilled, last.Length);
            Array.Copy(tail, tailFilled - (last.Length - fromChunk), last, 0, last.Length - fromChunk);
            Array.Copy(chunk, chunkFilled - fromChunk, last, last.Length - fromChunk, fromChunk);
            return System.Text.Encoding.UTF8.GetString(last);
        }
    }

    void RememberTail(ReadOnlySpan<byte> chunk)
    {
        if (chunk.Length >= TailLength)
        {
            chunk[^TailLength..].CopyTo(tail);
            tailFilled = TailLength;
            return;
        }
        var keep = Math.Min(tailFilled, TailLength - chunk.Length);
        Array.Copy(tail, tailFilled - keep, tail, 0, keep);
        chunk.CopyTo(tail.AsSpan(keep));
        tailFilled = keep + chunk.Length;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            file.Dispose();
            hash.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await file.DisposeAsync();
        hash.Dispose();
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => BytesWritten;
    public override long Position { get => BytesWritten; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
