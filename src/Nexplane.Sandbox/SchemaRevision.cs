using Npgsql;

namespace Nexplane.Sandbox;

/// <summary>Reads Alembic's bookkeeping: the <c>alembic_version</c> table and its <c>version_num</c> rows.</summary>
public static class SchemaRevision
{
    /// <summary>The revisions recorded (normally one); empty when the table is missing or empty (a fresh database).</summary>
    public static async Task<IReadOnlyList<string>> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction = null)
    {
        await using var exists = new NpgsqlCommand("SELECT to_regclass('alembic_version') IS NOT NULL", connection, transaction);
        if (!(bool)(await exists.ExecuteScalarAsync())!)
            return [];

        await using var select = new NpgsqlCommand("SELECT version_num FROM alembic_version", connection, transaction);
        await using var reader = await select.ExecuteReaderAsync();
        var revisions = new List<string>();
        while (await reader.ReadAsync())
            revisions.Add(reader.GetString(0));
        return revisions;
    }
}
