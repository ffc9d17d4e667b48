namespace Nexplane.Sandbox;

/// <summary>
/// What the initial migration seeds: an admin, 50 deterministic assets (3 of them agents) and a few change
/// executions. Deterministic so tests can predict exactly what each later migration turns it into.
/// </summary>
public static class SampleData
{
    public const string AdminEmail = "admin@nexplane.local";

    /// <summary>Used when <c>NEXPLANE_ADMIN_PASSWORD</c> is unset; documented in the README, never logged.</summary>
    public const string DefaultAdminPassword = "nexplane-admin-password";

    public const int AssetCount = 50;

    public static readonly IReadOnlyList<SampleAgent> Agents =
    [
        new("agent-linux-01", "linux", "10.0.10.11"),
        new("agent-windows-01", "windows", "10.0.10.12"),
        new("agent-darwin-01", "darwin", "10.0.10.13"),
    ];

    static readonly string[] AssetTypes = ["server", "database", "network_device", "workstation", "container_host"];
    static readonly string[] Environments = ["production", "staging", "development"];
    static readonly string[] MaintenanceDays = ["sun", "sat", "wed"];

    /// <summary>Asset number n (1-based, non-agent) carries these; tests use the same rules to predict results.</summary>
    public static bool IsCritical(int n) => n % 5 == 0;
    public static string? MaintenanceDay(int n) => n % 3 == 0 ? MaintenanceDays[n / 3 % MaintenanceDays.Length] : null;
    public static bool NoAutoPatch(int n) => n % 7 == 0;
    public static string? MetadataOwner(int n) => n % 4 == 0 ? "ops-team@nexplane.local" : null;

    public static async Task SeedAsync(MigrationStep step)
    {
        var adminPassword = Environment.GetEnvironmentVariable("NEXPLANE_ADMIN_PASSWORD") is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : DefaultAdminPassword;
        await step.ExecuteAsync(
            "INSERT INTO users (email, hashed_password, full_name, is_admin) VALUES (@email, @hash, 'Nexplane Admin', true)",
            ("email", AdminEmail), ("hash", PasswordHasher.Hash(adminPassword)));

        var regularAssets = AssetCount - Agents.Count;
        for (var n = 1; n <= regularAssets; n++)
        {
            var assetType = AssetTypes[(n - 1) % AssetTypes.Length];
            var environment = Environments[(n - 1) % Environments.Length];
            var owner = MetadataOwner(n) is { } metadataOwner ? $", \"owner\": \"{metadataOwner}\"" : "";
            var metadata = $"{{\"environment\": \"{environment}\", \"rack\": \"R{(n - 1) / 10 + 1}\"{owner}}}";
            var flags = new List<string>();
            if (IsCritical(n)) flags.Add("\"critical\": true");
            if (MaintenanceDay(n) is { } day) flags.Add($"\"maintenance_day\": \"{day}\"");
            if (NoAutoPatch(n)) flags.Add("\"no_auto_patch\": true");
            await step.ExecuteAsync("""
                INSERT INTO assets (name, asset_type, ip_address, asset_metadata, legacy_flags, created_by)
                VALUES (@name, @type, @ip, @metadata::jsonb, @flags::jsonb, (SELECT id FROM users WHERE email = @admin))
                """,
                ("name", $"{assetType.Replace('_', '-')}-{n:D2}"), ("type", assetType), ("ip", $"10.0.{n / 250}.{n % 250 + 1}"),
                ("metadata", metadata), ("flags", "{" + string.Join(", ", flags) + "}"), ("admin", AdminEmail));
        }

        foreach (var agent in Agents)
        {
            await step.ExecuteAsync("""
                INSERT INTO assets (name, asset_type, ip_address, asset_metadata, created_by)
                VALUES (@name, 'agent', @ip,
                        jsonb_build_object('agent_version', '0.2.0', 'hostname', @name::text, 'os_type', @os::text,
                                           'last_seen', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')),
                        (SELECT id FROM users WHERE email = @admin))
                """,
                ("name", agent.Hostname), ("ip", agent.IpAddress), ("os", agent.OsType), ("admin", AdminEmail));
        }

        await step.ExecuteAsync("""
            INSERT INTO change_executions (asset_id, status, summary, started_at, finished_at, created_by)
            SELECT id,
                   CASE WHEN id % 4 = 0 THEN 'failed' ELSE 'completed' END,
                   'patch run #' || id,
                   now() - interval '2 days', now() - interval '2 days' + interval '5 minutes',
                   created_by
            FROM assets WHERE id <= 8 ORDER BY id
            """);
        // One execution still running: the runbook warns that an upgrade interrupts these.
        await step.ExecuteAsync("""
            INSERT INTO change_executions (asset_id, status, summary, created_by)
            SELECT id, 'running', 'kernel update', created_by FROM assets WHERE id = 9
            """);
    }
}

public sealed record SampleAgent(string Hostname, string OsType, string IpAddress);
