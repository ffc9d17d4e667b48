namespace Nexplane.Upgrade.Database;

/// <summary>
/// Reads a file while it is still being written: a read at the current end waits until the writer says more is
/// there (<see cref="Grew"/>) or that it is done (<see cref="Ended"/>). The backup's decode check reads the archive
/// this way instead of from a pipe fed by the dump, so a check that falls behind (it runs at a low priority) never
/// holds pg_dump up; the bytes come back from the page cache.
/// </summary>
public sealed class GrowingFileReader(string path) : Stream
{
    readonly FileStream file = new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, useAsync: false);
    readonly SemaphoreSlim grew = new(0);
    long readable;
    volatile bool ended;

    /// <summary>The writer has flushed this many bytes to the file.</summary>
    public void Grew(long length)
    {
        Interlocked.Exchange(ref readable, length);
        grew.Release();
    }

    /// <summary>The file is complete at this length: reads end there.</summary>
    public void Ended(long length)
    {
        Interlocked.Exchange(ref readable, length);
        ended = true;
        grew.Release();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var available = Interlocked.Read(ref readable) - file.Position;
            if (available > 0)
                return await file.ReadAsync(buffer[..(int)Math.Min(buffer.Length, available)], cancellationToken);
            if (ended && Interlocked.Read(ref readable) <= file.Position)
                return 0;
            await grew.WaitAsync(cancellationToken);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            file.Dispose();
            grew.Dispose();
        }
        base.Dispose(disposing);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => file.Position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
