using Npgsql;

namespace Nexplane.Sandbox;

/// <summary>One Alembic revision: real DDL plus the data transformation a test can check afterwards.</summary>
public sealed record Migration(string Revision, string? DownRevision, string Description, Func<MigrationStep, Task> Upgrade)
{
    /// <summary>Where the Python file would live in the backend image; shown in tracebacks.</summary>
    public string PythonFile => $"/app/alembic/versions/{Revision}.py";
}

/// <summary>Runs a migration's statements inside the single transaction of the whole upgrade run.</summary>
public sealed class MigrationStep(NpgsqlConnection connection, NpgsqlTransaction transaction)
{
    /// <summary>The statement being executed, for the <c>[SQL: ...]</c> line of a failure traceback.</summary>
    public string? CurrentStatement { get; private set; }

    public async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        CurrentStatement = sql.Trim();
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>
/// Every revision any release ships. Releases (see <see cref="Releases"/>) pick their chain from these;
/// two releases may share a prefix but each has its own head.
/// </summary>
public static class Migrations
{
    public static readonly Migration Initial = new("001_initial", null, "initial schema", async step =>
    {
        await step.ExecuteAsync("""
            CREATE TABLE users (
                id SERIAL NOT NULL,
                email VARCHAR(255) NOT NULL,
                hashed_password VARCHAR(255) NOT NULL,
                full_name VARCHAR(255),
                is_admin BOOLEAN NOT NULL DEFAULT false,
                created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                PRIMARY KEY (id),
                UNIQUE (email)
            )
            """);
        await step.ExecuteAsync("""
            CREATE TABLE assets (
                id SERIAL NOT NULL,
                name VARCHAR(255) NOT NULL,
                asset_type VARCHAR(50) NOT NULL,
                ip_address VARCHAR(45),
                asset_metadata JSONB NOT NULL DEFAULT '{}'::jsonb,
                legacy_flags JSONB NOT NULL DEFAULT '{}'::jsonb,
                created_by INTEGER REFERENCES users (id),
                created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                PRIMARY KEY (id)
            )
            """);
        await step.ExecuteAsync("CREATE INDEX ix_assets_name ON assets (name)");
        await step.ExecuteAsync("""
            CREATE TABLE change_executions (
                id SERIAL NOT NULL,
                asset_id INTEGER NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
                status VARCHAR(20) NOT NULL,
                summary TEXT,
                started_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                finished_at TIMESTAMP WITH TIME ZONE,
                created_by INTEGER REFERENCES users (id),
                PRIMARY KEY (id)
            )
            """);
        await SampleData.SeedAsync(step);
    });

    public static readonly Migration AssetTags = new("002_asset_tags", "001_initial", "add asset tags", async step =>
    {
        await step.ExecuteAsync("ALTER TABLE assets ADD COLUMN tags VARCHAR(64)[] NOT NULL DEFAULT '{}'");
        await step.ExecuteAsync("CREATE INDEX ix_assets_tags ON assets USING gin (tags)");
        // Agents were recognised by asset_type before tags existed; the tag is what the API filters on from now on.
        await step.ExecuteAsync("UPDATE assets SET tags = ARRAY['nexplane-agent']::varchar(64)[] WHERE asset_type = 'agent'");
        await step.ExecuteAsync("""
            UPDATE assets SET tags = tags || ('env:' || (asset_metadata->>'environment'))::varchar(64)
            WHERE asset_metadata ? 'environment'
            """);
    });

    public static readonly Migration AgentTunnels = new("003_agent_tunnels", "002_asset_tags", "add agent tunnels", async step =>
    {
        await step.ExecuteAsync("""
            CREATE TABLE agent_tunnels (
                id SERIAL NOT NULL,
                asset_id INTEGER NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
                status VARCHAR(20) NOT NULL DEFAULT 'closed',
                remote_port INTEGER,
                created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                PRIMARY KEY (id)
            )
            """);
        await step.ExecuteAsync("ALTER TABLE assets ADD COLUMN tunnel_enabled BOOLEAN NOT NULL DEFAULT false");
        // Every existing agent gets a closed tunnel so the UI can list them without a null check.
        await step.ExecuteAsync("""
            INSERT INTO agent_tunnels (asset_id, status)
            SELECT id, 'closed' FROM assets WHERE 'nexplane-agent' = ANY (tags) ORDER BY id
            """);
    });

    public static readonly Migration BackfillAssetOwner = new("004_backfill_asset_owner", "003_agent_tunnels", "backfill asset owner", async step =>
    {
        await step.ExecuteAsync("ALTER TABLE assets ADD COLUMN owner VARCHAR(255)");
        // The owner used to live in free-form metadata; fall back to the creator, then to 'unassigned'.
        await step.ExecuteAsync("""
            UPDATE assets AS a SET owner = COALESCE(a.asset_metadata->>'owner', u.email)
            FROM users AS u WHERE u.id = a.created_by
            """);
        await step.ExecuteAsync("UPDATE assets SET owner = COALESCE(asset_metadata->>'owner', 'unassigned') WHERE owner IS NULL");
        await step.ExecuteAsync("UPDATE assets SET asset_metadata = asset_metadata - 'owner'");
        await step.ExecuteAsync("ALTER TABLE assets ALTER COLUMN owner SET DEFAULT 'unassigned'");
        await step.ExecuteAsync("ALTER TABLE assets ALTER COLUMN owner SET NOT NULL");
    });

    /// <summary>0.3.1's broken revision: creates a table, then indexes a column nobody added.</summary>
    public static readonly Migration BadIndex = new("005_bad_index", "004_backfill_asset_owner", "add owner team index", async step =>
    {
        await step.ExecuteAsync("""
            CREATE TABLE teams (
                id SERIAL NOT NULL,
                name VARCHAR(100) NOT NULL,
                PRIMARY KEY (id)
            )
            """);
        await step.ExecuteAsync("CREATE INDEX ix_assets_owner_team_id ON assets (owner_team_id)");
    });

    public static readonly Migration ChangeWindows = new("005_change_windows", "004_backfill_asset_owner", "add change windows", async step =>
    {
        await step.ExecuteAsync("""
            CREATE TABLE change_windows (
                id SERIAL NOT NULL,
                asset_id INTEGER NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
                day_of_week SMALLINT NOT NULL CHECK (day_of_week BETWEEN 0 AND 6),
                starts_at TIME NOT NULL DEFAULT '02:00',
                duration_minutes INTEGER NOT NULL DEFAULT 120,
                PRIMARY KEY (id)
            )
            """);
        // legacy_flags.maintenance_day ('sun'..'sat') becomes a proper window (0 = Sunday).
        await step.ExecuteAsync("""
            INSERT INTO change_windows (asset_id, day_of_week)
            SELECT id, array_position(ARRAY['sun','mon','tue','wed','thu','fri','sat'], legacy_flags->>'maintenance_day') - 1
            FROM assets
            WHERE legacy_flags->>'maintenance_day' IN ('sun','mon','tue','wed','thu','fri','sat')
            ORDER BY id
            """);
    });

    public static readonly Migration DropLegacyFlags = new("006_drop_legacy_flags", "005_change_windows", "drop legacy flags", async step =>
    {
        await step.ExecuteAsync("ALTER TABLE assets ADD COLUMN criticality VARCHAR(20) NOT NULL DEFAULT 'normal'");
        await step.ExecuteAsync("UPDATE assets SET criticality = 'high' WHERE (legacy_flags->>'critical')::boolean IS TRUE");
        await step.ExecuteAsync("""
            UPDATE assets SET tags = tags || 'no-auto-patch'::varchar(64)
            WHERE (legacy_flags->>'no_auto_patch')::boolean IS TRUE AND NOT ('no-auto-patch' = ANY (tags))
            """);
        await step.ExecuteAsync("ALTER TABLE assets DROP COLUMN legacy_flags");
    });
}
