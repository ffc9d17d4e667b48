using System.Security.Cryptography;
using Nexplane.Upgrade.Database;

namespace Nexplane.Upgrade.Tests.Database;

/// <summary>The backup's decode check reads the archive while pg_dump still writes it.</summary>
public sealed class GrowingFileReaderTests : IDisposable
{
    readonly string file = Path.GetTempFileName();

    public void Dispose() => File.Delete(file);

    [Fact]
    public async Task Reads_every_byte_written_while_the_file_grows_and_ends_where_the_writer_ended()
    {
        var data = RandomNumberGenerator.GetBytes(2_500_000);
        using var reader = new GrowingFileReader(file);
        var read = new MemoryStream();
        var reading = reader.CopyToAsync(read);

        await using (var writer = new FileStream(file, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite))
        {
            foreach (var chunk in data.Chunk(300_000))
            {
                await writer.WriteAsync(chunk);
                await writer.FlushAsync();
                reader.Grew(writer.Length);
                await Task.Delay(5);
            }
        }
        reader.Ended(data.Length);
        await reading.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(data, read.ToArray());
    }

    [Fact]
    public async Task A_read_at_the_end_waits_for_the_writer_instead_of_ending_early()
    {
        await File.WriteAllBytesAsync(file, [1, 2, 3]);
        using var reader = new GrowingFileReader(file);
        reader.Grew(3);
        var buffer = new byte[10];
        Assert.Equal(3, await reader.ReadAsync(buffer));

        var next = reader.ReadAsync(buffer).AsTask();
        await Task.Delay(100);
        Assert.False(next.IsCompleted);

        await File.AppendAllBytesAsync(file, [4, 5]);
        reader.Ended(5);
        Assert.Equal(2, await next.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(0, await reader.ReadAsync(buffer));
    }

    [Fact]
    public async Task Bytes_past_the_length_the_writer_reported_are_not_read_yet()
    {
        await File.WriteAllBytesAsync(file, [1, 2, 3, 4, 5, 6]);
        using var reader = new GrowingFileReader(file);
        reader.Grew(4);

        var buffer = new byte[10];
        Assert.Equal(4, await reader.ReadAsync(buffer));
    }
}
