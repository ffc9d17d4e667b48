using EndToEnd.Tests.Sandbox;
using Npgsql;

namespace EndToEnd.Tests.Database;

/// <summary>
/// A Nexplane database with real content: the sandbox's 0.2.0 migrations and sample data, plus a table of awkward
/// values (NULLs, unicode, bytea, json, quotes, newlines) that a careless dump or restore would mangle.
/// </summary>
public static class SampleData
{
    public const string Release = "0.2.0";
    public const string Head = "002_asset_tags";

    /// <summary>Runs the sandbox's migrate role against <paramref name="databaseUrl"/>, then adds the awkward table.</summary>
    public static async Task LoadAsync(string databaseUrl, string connectionString, int extraRows = 500)
    {
        var migrate = await SandboxProcess.RunToExitAsync(["migrate", "--release", Release], SandboxEnvironment.For(databaseUrl), timeoutSeconds: 60);
        Assert.True(migrate.ExitCode == 0, $"the sandbox's migrate failed:\n{migrate.AllOutput}");
        await ExecuteAsync(connectionString, $"""
            create table awkward_values (
                id bigint primary key, label text, payload bytea, document jsonb, created timestamptz, note text);
            insert into awkward_values
            select n, 'naïve ✓ ' || n || E'\n''quoted''\t"double"', decode(md5(n::text), 'hex'),
                   jsonb_build_object('n', n, 'tags', jsonb_build_array('a', 'b')), timestamptz '2026-01-01' + n * interval '1 minute',
                   case when n % 3 = 0 then null else repeat('x', n % 50) end
            from generate_series(1, {extraRows}) n;
            create index awkward_values_label on awkward_values (label);
            """);
    }

    /// <summary>One fingerprint per table: its row count and an md5 over all rows in a stable order.</summary>
    public static async Task<SortedDictionary<string, string>> FingerprintAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand(
            "select quote_ident(schemaname) || '.' || quote_ident(tablename) from pg_tables where schemaname not in ('pg_catalog', 'information_schema')",
            connection))
        await using (var reader = await list.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                tables.Add(reader.GetString(0));
        var fingerprints = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            await using var command = new NpgsqlCommand(
                $"select count(*) || ':' || coalesce(md5(string_agg(t::text, '|' order by t::text)), '-') from {table} t", connection);
            fingerprints[table] = (string)(await command.ExecuteScalarAsync())!;
        }
        return fingerprints;
    }

    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
