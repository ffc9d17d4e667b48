using System.Text;
using System.Threading.Channels;
using Nexplane.Upgrade.Database;

namespace Nexplane.Upgrade.Tests.Database;

public sealed class CopyScriptSplitterTests
{
    const string Preamble = """
        --
        -- PostgreSQL database dump
        --

        \restrict abc123

        SET statement_timeout = 0;
        SET client_encoding = 'UTF8';
        SELECT pg_catalog.set_config('search_path', '', false);
        SET row_security = off;

        """;

    static string Script(params (string Copy, string[] Rows)[] tables)
    {
        var script = new StringBuilder(Preamble);
        foreach (var (copy, rows) in tables)
        {
            script.Append("--\n-- Data for Name: x; Type: TABLE DATA; Schema: public; Owner: nexplane\n--\n\n");
            script.Append(copy).Append('\n');
            foreach (var row in rows)
                script.Append(row).Append('\n');
            script.Append("\\.\n\n\n");
        }
        script.Append("--\n-- PostgreSQL database dump complete\n--\n\n\\unrestrict abc123\n\n");
        return script.ToString();
    }

    /// <summary>Runs the splitter over <paramref name="script"/>, read <paramref name="readSize"/> bytes at a time.</summary>
    static async Task<(CopyScriptSplitter Splitter, List<(string Copy, string Data)> Chunks)> SplitAsync(string script, int chunkBytes, int readSize)
    {
        var splitter = new CopyScriptSplitter(chunkBytes);
        var channel = Channel.CreateUnbounded<CopyChunk>();
        await Task.Run(() => splitter.Split(new TrickleStream(Encoding.UTF8.GetBytes(script), readSize), channel.Writer, CancellationToken.None));
        channel.Writer.Complete();
        var chunks = new List<(string, string)>();
        await foreach (var chunk in channel.Reader.ReadAllAsync())
        {
            chunks.Add((Encoding.UTF8.GetString(chunk.CopyStatement), Encoding.UTF8.GetString(chunk.Data.Span)));
            chunk.Return();
        }
        return (splitter, chunks);
    }

    static readonly string[] AwkwardRows =
    [
        "1\tnaïve ✓\\n'quoted'\\t\"double\"\t\\\\x0a",
        "2\t\\N\t\\\\.",
        "3\t\\.not-an-end\tx",
        .. Enumerable.Range(4, 300).Select(n => $"{n}\trow {n}\t{new string('x', n % 37)}"),
    ];

    [Theory]
    [InlineData(64, 1)]
    [InlineData(64, 7)]
    [InlineData(256, 4096)]
    [InlineData(1 << 20, 1 << 16)]
    public async Task Chunks_hold_whole_rows_in_order_and_nothing_is_lost_however_the_reads_fall(int chunkBytes, int readSize)
    {
        var events = ("COPY public.events (id, label, note) FROM stdin;", AwkwardRows);
        var hosts = ("COPY public.hosts (id, name) FROM stdin;", new[] { "1\thost-1", "2\thost-2" });
        var empty = ("COPY public.empty (id) FROM stdin;", Array.Empty<string>());

        var (splitter, chunks) = await SplitAsync(Script(events, hosts, empty), chunkBytes, readSize);

        Assert.All(chunks, chunk => Assert.EndsWith("\n", chunk.Data));
        Assert.All(chunks, chunk => Assert.EndsWith(" FROM stdin;\n", chunk.Copy));
        Assert.Equal(string.Concat(AwkwardRows.Select(row => row + "\n")),
            string.Concat(chunks.Where(c => c.Copy.StartsWith("COPY public.events ")).Select(c => c.Data)));
        Assert.Equal("1\thost-1\n2\thost-2\n", string.Concat(chunks.Where(c => c.Copy.StartsWith("COPY public.hosts ")).Select(c => c.Data)));
        Assert.DoesNotContain(chunks, c => c.Copy.StartsWith("COPY public.empty "));
        Assert.Equal(new Dictionary<string, long> { ["public.events"] = AwkwardRows.Length, ["public.hosts"] = 2, ["public.empty"] = 0 },
            splitter.Rows.ToDictionary());
        var preamble = Encoding.UTF8.GetString(await splitter.Preamble);
        Assert.Contains("SET client_encoding = 'UTF8';\n", preamble);
        Assert.Contains("\\restrict abc123\n", preamble);
        Assert.DoesNotContain("COPY", preamble);
        if (chunkBytes == 64)
            Assert.True(chunks.Count > 10, "small chunks spread one table over many chunks");
    }

    [Fact]
    public async Task Small_reads_are_gathered_into_chunks_of_half_the_buffer_less_at_most_one_row_except_a_tables_last()
    {
        var (_, chunks) = await SplitAsync(Script(("COPY public.events (id, label, note) FROM stdin;", AwkwardRows)), chunkBytes: 512, readSize: 7);

        var longestRow = AwkwardRows.Max(row => Encoding.UTF8.GetByteCount(row) + 1);
        Assert.True(chunks.Count > 3, $"{chunks.Count} chunks");
        Assert.All(chunks[..^1], chunk =>
            Assert.True(Encoding.UTF8.GetByteCount(chunk.Data) > 256 - longestRow, $"a chunk of {Encoding.UTF8.GetByteCount(chunk.Data)} bytes"));
    }

    [Fact]
    public async Task A_row_longer_than_the_buffer_still_travels_whole()
    {
        var longRow = "1\t" + new string('y', 10_000);

        var (_, chunks) = await SplitAsync(Script(("COPY public.big (id, text) FROM stdin;", [longRow, "2\tshort"])), chunkBytes: 128, readSize: 100);

        Assert.Equal(longRow + "\n2\tshort\n", string.Concat(chunks.Select(c => c.Data)));
    }

    [Theory]
    [InlineData("SET search_path = evil;")]
    [InlineData("SELECT pg_catalog.setval('public.x_id_seq', 5, true);")]
    [InlineData("TRUNCATE public.hosts;")]
    public async Task A_statement_between_the_tables_makes_the_split_refuse_instead_of_guessing(string statement)
    {
        var script = Script(("COPY public.hosts (id, name) FROM stdin;", ["1\thost-1"])) + statement + "\n";

        var refused = await Assert.ThrowsAsync<UnsupportedCopyScriptException>(() => SplitAsync(script, 64, 5));

        Assert.Contains(statement[..10], refused.Message);
    }

    [Fact]
    public async Task Rows_without_their_end_marker_are_a_cut_script()
    {
        var script = Preamble + "COPY public.hosts (id, name) FROM stdin;\n1\thost-1\n2\thost-2\n";

        var refused = await Assert.ThrowsAsync<UnsupportedCopyScriptException>(() => SplitAsync(script, 64, 5));

        Assert.Contains("cut short", refused.Message);
    }

    [Fact]
    public void The_session_settings_are_passed_on_as_SQL_without_psql_commands_or_the_encoding()
    {
        var statements = ParallelRestoreLoader.SessionStatements(Encoding.UTF8.GetBytes(Preamble));

        Assert.Equal(["SET statement_timeout = 0;", "SELECT pg_catalog.set_config('search_path', '', false);", "SET row_security = off;"], statements);
    }

    [Theory]
    [InlineData("SET client_encoding = 'LATIN1';\n", "LATIN1")]
    [InlineData("SET statement_timeout = 0;\n", "no client_encoding")]
    public void Data_that_is_not_UTF8_is_left_to_pg_restore(string preamble, string reason)
    {
        var refused = Assert.Throws<UnsupportedCopyScriptException>(() => ParallelRestoreLoader.SessionStatements(Encoding.UTF8.GetBytes(preamble)));

        Assert.Contains(reason, refused.Message);
    }

    /// <summary>Hands out at most <c>readSize</c> bytes per read, so markers and rows fall across reads.</summary>
    sealed class TrickleStream(byte[] bytes, int readSize) : MemoryStream(bytes)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, readSize));

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, readSize)]);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, readSize)], cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            base.ReadAsync(buffer, offset, Math.Min(count, readSize), cancellationToken);
    }
}
