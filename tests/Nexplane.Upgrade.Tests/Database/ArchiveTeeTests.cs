using System.Security.Cryptography;
using Nexplane.Upgrade.Database;

namespace Nexplane.Upgrade.Tests.Database;

public sealed class ArchiveTeeTests : IDisposable
{
    readonly string file = Path.GetTempFileName();

    public void Dispose() => File.Delete(file);

    [Fact]
    public async Task The_file_and_the_hash_get_exactly_the_dumped_bytes_and_the_bytes_passed_on_are_reported_after_each_chunk()
    {
        var data = RandomNumberGenerator.GetBytes(3_000_000);
        var reported = new List<long>();

        string sha256;
        await using (var tee = new ArchiveTee(file, reported.Add))
        {
            foreach (var chunk in data.Chunk(65_537))
                await tee.WriteAsync(chunk);
            sha256 = await tee.CompleteAsync(CancellationToken.None);
        }

        Assert.Equal(data, await File.ReadAllBytesAsync(file));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data)), sha256);
        Assert.Equal(BackupFiles.Sha256Of(file), sha256);
        Assert.Equal([1L << 20, 2L << 20, 3_000_000], reported);
    }

    [Fact]
    public async Task The_tail_holds_the_last_bytes_where_a_plain_dumps_trailer_is()
    {
        await using var tee = new ArchiveTee(file);
        await tee.WriteAsync(new byte[10_000]);
        foreach (var piece in new[] { "--\n", "-- PostgreSQL database ", "dump complete\n", "--\n" })
            await tee.WriteAsync(System.Text.Encoding.UTF8.GetBytes(piece));

        Assert.EndsWith("--\n-- PostgreSQL database dump complete\n--\n", tee.Tail);
        Assert.Equal(4096, tee.Tail.Length);
    }

    [Fact]
    public async Task The_tail_spans_bytes_already_passed_on_and_bytes_still_gathered()
    {
        await using var tee = new ArchiveTee(file);
        await tee.WriteAsync(Enumerable.Repeat((byte)'a', (1 << 20) - 50).ToArray());
        await tee.WriteAsync(Enumerable.Repeat((byte)'b', 200).ToArray());

        Assert.Equal(new string('a', 4096 - 200) + new string('b', 200), tee.Tail);
        Assert.Equal((1 << 20) + 150, tee.BytesWritten);
    }
}
