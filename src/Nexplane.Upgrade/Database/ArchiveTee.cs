using System.IO.Pipelines;
using System.Security.Cryptography;

namespace Nexplane.Upgrade.Database;

/// <summary>
/// Where pg_dump's output goes: each chunk is written to the archive file, added to its sha256, and handed to the
/// decoder (pg_restore) that checks the archive while it is being written. Verifying in the same pass costs almost
/// no extra time, and the decoder reads exactly the bytes that were hashed and written. A decoder that stops early
/// is simply no longer fed; its exit status tells why.
/// </summary>
public sealed class ArchiveTee : Stream
{
    const int TailLength = 4096;

    readonly FileStream file;
    readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    readonly PipeWriter? decoder;
    readonly byte[] tail = new byte[TailLength];
    int tailFilled;
    bool decoderGone;

    /// <param name="path">The archive file, created beforehand with owner-only permissions.</param>
    /// <param name="decoder">The writing end of the decoder's stdin, or null when nothing decodes the stream.</param>
    public ArchiveTee(string path, PipeWriter? decoder)
    {
        file = new FileStream(path, FileMode.Truncate, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true);
        this.decoder = decoder;
    }

    public long BytesWritten { get; private set; }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await file.WriteAsync(buffer, cancellationToken);
        hash.AppendData(buffer.Span);
        RememberTail(buffer.Span);
        BytesWritten += buffer.Length;
        if (decoder is not null && !decoderGone)
        {
            var result = await decoder.WriteAsync(buffer, cancellationToken);
            decoderGone = result.IsCompleted;
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    /// <summary>Flushes the file to disk, ends the decoder's input and returns the sha256 of everything written.</summary>
    public async Task<string> CompleteAsync(CancellationToken cancellationToken)
    {
        await file.FlushAsync(cancellationToken);
        file.Flush(flushToDisk: true);
        if (decoder is not null)
            await decoder.CompleteAsync();
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The last bytes written (up to 4 KiB), where a plain dump's trailer must be.</summary>
    public string Tail => System.Text.Encoding.UTF8.GetString(tail, 0, tailFilled);

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
            decoder?.Complete();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await file.DisposeAsync();
        hash.Dispose();
        if (decoder is not null)
            await decoder.CompleteAsync();
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
