using Npgsql;

namespace Nexplane.Sandbox;

/// <summary>The backend's queries. Assets are returned as JSON built by PostgreSQL, so every release's columns show up as they are.</summary>
public sealed class BackendStore(NpgsqlDataSource dataSource)
{
    public const string AgentTag = "nexplane-agent";

    public async Task<string?> HashedPasswordAsync(string email)
    {
        await using var command = dataSource.CreateCommand("SELECT hashed_password FROM users WHERE email = @email");
        command.Parameters.AddWithValue("email", email);
        return await command.ExecuteScalarAsync() as string;
    }

    /// <summary>A JSON array of asset objects (all columns), ordered by id, optionally only those carrying <paramref name="tag"/>.</summary>
    public async Task<string> AssetsJsonAsync(string? tag)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT COALESCE(json_agg(to_jsonb(a) ORDER BY a.id), '[]'::json)::text
            FROM assets AS a
            WHERE @tag::text IS NULL OR @tag::text = ANY (a.tags)
            """);
        command.Parameters.AddWithValue("tag", NpgsqlTypes.NpgsqlDbType.Text, (object?)tag ?? DBNull.Value);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Creates or refreshes the agent asset of <paramref name="hostname"/>; returns its id.</summary>
    public async Task<int> RegisterAgentAsync(string hostname, string osType, string agentVersion)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        const string metadata = """
            jsonb_build_object('agent_version', @version::text, 'hostname', @hostname::text, 'os_type', @os::text,
                               'last_seen', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
            """;
        await using var update = new NpgsqlCommand($"""
            UPDATE assets SET asset_metadata = asset_metadata || {metadata}, updated_at = now()
            WHERE id = (SELECT id FROM assets WHERE @tag::text = ANY (tags) AND asset_metadata->>'hostname' = @hostname::text ORDER BY id LIMIT 1)
            RETURNING id
            """, connection, transaction);
        AddAgentParameters(update, hostname, osType, agentVersion);
        if (await update.ExecuteScalarAsync() is int existing)
        {
            await transaction.CommitAsync();
            return existing;
        }

        await using var insert = new NpgsqlCommand($"""
            INSERT INTO assets (name, asset_type, asset_metadata, tags)
            VALUES (@hostname, 'agent', {metadata}, ARRAY[@tag::varchar(64)])
            RETURNING id
            """, connection, transaction);
        AddAgentParameters(insert, hostname, osType, agentVersion);
        var id = (int)(await insert.ExecuteScalarAsync())!;
        await transaction.CommitAsync();
        return id;
    }

    static void AddAgentParameters(NpgsqlCommand command, string hostname, string osType, string agentVersion)
    {
        command.Parameters.AddWithValue("hostname", hostname);
        command.Parameters.AddWithValue("os", osType);
        command.Parameters.AddWithValue("version", agentVersion);
        command.Parameters.AddWithValue("tag", AgentTag);
    }

    /// <summary>Null when no asset has this id.</summary>
    public async Task<AgentStatusResponse?> AgentStatusAsync(int assetId)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT @tag::text = ANY (tags),
                   asset_metadata->>'last_seen',
                   EXTRACT(EPOCH FROM (now() - (asset_metadata->>'last_seen')::timestamptz))::float8
            FROM assets WHERE id = @id
            """);
        command.Parameters.AddWithValue("id", assetId);
        command.Parameters.AddWithValue("tag", AgentTag);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
            return null;
        var registered = reader.GetBoolean(0);
        var lastSeen = reader.IsDBNull(1) ? null : reader.GetString(1);
        double? secondsAgo = reader.IsDBNull(2) ? null : Math.Round(Math.Max(0, reader.GetDouble(2)), 1);
        return new AgentStatusResponse(registered && lastSeen is not null, lastSeen, secondsAgo);
    }
}
