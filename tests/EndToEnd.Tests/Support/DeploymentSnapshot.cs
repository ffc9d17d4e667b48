using Docker.DotNet;
using Docker.DotNet.Models;
using Npgsql;

namespace EndToEnd.Tests.Support;

/// <summary>
/// Everything an operator would compare to tell whether a deployment changed: its compose and .env files byte for
/// byte, each container's id, image, start time and restart count, and the database's alembic revision and row
/// counts. Two snapshots are equal exactly when nothing observable changed.
/// </summary>
public sealed record DeploymentSnapshot(
    string ComposeFile,
    string EnvFile,
    string Containers,
    string AlembicRevisions,
    string RowCounts)
{
    public static async Task<DeploymentSnapshot> TakeAsync(SandboxInstance sandbox)
    {
        using var docker = new DockerClientConfiguration(new Uri("unix:///var/run/docker.sock")).CreateClient();
        var listed = await docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"com.docker.compose.project={sandbox.Project}"] = true },
            },
        });
        var containers = new List<string>();
        foreach (var item in listed)
        {
            var inspected = await docker.Containers.InspectContainerAsync(item.ID);
            containers.Add($"{inspected.Config.Labels["com.docker.compose.service"]} {inspected.ID[..12]} {inspected.Config.Image} " +
                           $"started {inspected.State.StartedAt} restarts {inspected.RestartCount} {inspected.State.Status}");
        }
        containers.Sort(StringComparer.Ordinal);

        var (revisions, counts) = await ReadDatabaseAsync(sandbox);
        // Joined into strings so that record equality compares contents, not list references.
        return new DeploymentSnapshot(File.ReadAllText(sandbox.ComposeFile), File.ReadAllText(sandbox.EnvFile),
            string.Join("\n", containers), string.Join(",", revisions), string.Join(",", counts));
    }

    /// <summary>
    /// Opens the instance's database with the password from its .env, as the tool itself does: on the host network at
    /// the instance's port, or (the real shape publishes no db port) at the db container's own address.
    /// </summary>
    public static async Task<NpgsqlConnection> OpenDatabaseAsync(SandboxInstance sandbox)
    {
        var password = File.ReadLines(sandbox.EnvFile).First(line => line.StartsWith("POSTGRES_PASSWORD=", StringComparison.Ordinal))["POSTGRES_PASSWORD=".Length..];
        var (host, port) = await DatabaseAddressAsync(sandbox);
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder
        {
            Host = host, Port = port, Database = "nexplane", Username = "nexplane", Password = password, Pooling = false,
        }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    static async Task<(string Host, int Port)> DatabaseAddressAsync(SandboxInstance sandbox)
    {
        using var docker = new DockerClientConfiguration(new Uri("unix:///var/run/docker.sock")).CreateClient();
        var listed = await docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool>
                {
                    [$"com.docker.compose.project={sandbox.Project}"] = true,
                    ["com.docker.compose.service=db"] = true,
                },
            },
        });
        if (listed.FirstOrDefault() is not { } db)
            return ("127.0.0.1", sandbox.DatabasePort);
        var inspected = await docker.Containers.InspectContainerAsync(db.ID);
        return inspected.HostConfig.NetworkMode == "host"
            ? ("127.0.0.1", sandbox.DatabasePort)
            : (inspected.NetworkSettings.Networks.Values.First(n => !string.IsNullOrEmpty(n.IPAddress)).IPAddress, 5432);
    }

    static async Task<(IReadOnlyList<string> Revisions, IReadOnlyList<string> Counts)> ReadDatabaseAsync(SandboxInstance sandbox)
    {
        await using var connection = await OpenDatabaseAsync(sandbox);
        var revisions = new List<string>();
        await using (var command = new NpgsqlCommand("select version_num from alembic_version order by 1", connection))
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                revisions.Add(reader.GetString(0));

        var tables = new List<string>();
        await using (var command = new NpgsqlCommand("select tablename from pg_tables where schemaname = 'public' order by 1", connection))
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                tables.Add(reader.GetString(0));

        var counts = new List<string>();
        foreach (var table in tables)
        {
            await using var count = new NpgsqlCommand($"select count(*) from \"{table}\"", connection);
            counts.Add($"{table}={await count.ExecuteScalarAsync()}");
        }
        return (revisions, counts);
    }
}
