using CliWrap;
using CliWrap.Buffered;
using EndToEnd.Tests.Support;
using Npgsql;

namespace EndToEnd.Tests.Rollback;

/// <summary>
/// Putting a reused instance back to what its fresh start left, without starting it over: a fresh start costs about
/// 15 s and 18 CPU-seconds (a new database cluster, eight containers), most of it for what no test changes. A reset
/// restores what tests do change: the compose file and .env byte for byte, the files beside them, the app's
/// containers (recreated from the restored file), and the databases on the server (the app's, loaded from a dump
/// taken right after the fresh start; every other one dropped; the server's settings reset). It keeps the database
/// server's container, redis, the agent hosts and the GitHub stand-in, and is refused (the caller starts over) when
/// any of them is not the one the fresh start created, or when compose v1 created the instance.
/// </summary>
public sealed partial class RollbackDeployment
{
    /// <summary>What a fresh start left: enough to put the instance back to it.</summary>
    sealed record FreshState(
        string Version,
        byte[] ComposeFile,
        byte[] EnvFile,
        IReadOnlySet<string> DeployFiles,
        IReadOnlySet<string> KeptContainers,
        string DatabaseContainer,
        byte[] DatabaseDump);

    FreshState? _fresh;

    /// <summary>The services a reset recreates: those of the shape that use the database (the rest is kept).</summary>
    IReadOnlyList<string> AppServices => Shape == SandboxShape.Real ? ["backend", "frontend"] : ["backend", "worker", "frontend"];

    async Task<FreshState> CaptureFreshAsync(string version)
    {
        var containers = await RunningContainersAsync();
        var kept = containers.Where(c => !AppServices.Contains(c.Service)).Select(c => c.Id).ToHashSet();
        var database = containers.Single(c => c.Service == "db").Id;
        var dump = new MemoryStream();
        await Cli.Wrap("docker").WithArguments(["exec", database, "pg_dump", "-U", "nexplane", "-Fc", "nexplane"])
            .WithStandardOutputPipe(PipeTarget.ToStream(dump)).ExecuteAsync();
        return new FreshState(version, File.ReadAllBytes(Sandbox.ComposeFile), File.ReadAllBytes(Sandbox.EnvFile), DeployFiles(), kept, database,
            dump.ToArray());
    }

    /// <summary>Puts the instance back to <paramref name="fresh"/>; false (nothing done) when it cannot be.</summary>
    async Task<bool> ResetAsync(FreshState fresh)
    {
        if (Sandbox.Compose != ComposeLane.Default)
            return false;
        var running = (await RunningContainersAsync()).Where(c => !AppServices.Contains(c.Service)).Select(c => c.Id).ToHashSet();
        if (!running.SetEquals(fresh.KeptContainers))
            return false;

        await RealShapeCompose("rm", ["--stop", "--force", .. AppServices]);
        File.WriteAllBytes(Sandbox.ComposeFile, fresh.ComposeFile);
        File.WriteAllBytes(Sandbox.EnvFile, fresh.EnvFile);
        foreach (var file in DeployFiles().Except(fresh.DeployFiles))
            File.Delete(Path.Combine(Sandbox.DeployDirectory, file));
        await ResetDatabasesAsync(fresh);
        await RealShapeCompose("up", ["-d"]);

        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (await ServedVersionAsync() != fresh.Version || await FrontendVersionAsync() != fresh.Version)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The reset instance {Sandbox.Number} does not serve {fresh.Version} after 2 minutes.");
            await Task.Delay(250);
        }
        return true;
    }

    /// <summary>Every database but the app's dropped, the app's loaded again from the fresh start's dump, the server's own settings as they came.</summary>
    async Task ResetDatabasesAsync(FreshState fresh)
    {
        await using (var connection = await DeploymentSnapshot.OpenDatabaseAsync(Sandbox))
        {
            await connection.ChangeDatabaseAsync("postgres");
            var databases = new List<string>();
            await using (var list = new NpgsqlCommand("select datname from pg_database where not datistemplate and datname <> 'postgres'", connection))
            await using (var reader = await list.ExecuteReaderAsync())
                while (await reader.ReadAsync())
                    databases.Add(reader.GetString(0));
            foreach (var statement in databases.Select(name => $"drop database \"{name}\" with (force)")
                         .Concat(["create database nexplane", "alter system reset all", "select pg_reload_conf()"]))
            {
                await using var command = new NpgsqlCommand(statement, connection);
                await command.ExecuteNonQueryAsync();
            }
        }
        await Cli.Wrap("docker").WithArguments(["exec", "-i", fresh.DatabaseContainer, "pg_restore", "-U", "nexplane", "-d", "nexplane", "--exit-on-error"])
            .WithStandardInputPipe(PipeSource.FromBytes(fresh.DatabaseDump)).ExecuteBufferedAsync();
    }

    /// <summary>The files under the instance's deploy directory, relative to it.</summary>
    HashSet<string> DeployFiles() =>
        Directory.EnumerateFiles(Sandbox.DeployDirectory, "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(Sandbox.DeployDirectory, path)).ToHashSet();

    Task RealShapeCompose(string command, string[] arguments) => EndToEnd.Tests.Sandbox.RealShape.ComposeAsync(Sandbox, [command, .. arguments]);

    /// <summary>The instance's running containers, each with its compose service (the agent hosts and the stand-in have none).</summary>
    async Task<IReadOnlyList<(string Id, string Service)>> RunningContainersAsync()
    {
        var listed = await Cli.Wrap("docker").WithArguments(["ps", "--no-trunc", "--filter", $"name={Sandbox.Project}",
                "--format", "{{.ID}} {{.Names}} {{.Label \"com.docker.compose.project\"}} {{.Label \"com.docker.compose.service\"}}"])
            .ExecuteBufferedAsync();
        return listed.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' '))
            // name= matches substrings: nexplane-sandbox-3 would also list nexplane-sandbox-36's containers. Compose v2
            // names a container project-service-1, v1 project_service_1.
            .Where(parts => parts[1] == Sandbox.Project
                            || (parts[1].StartsWith(Sandbox.Project + "-", StringComparison.Ordinal) || parts[1].StartsWith(Sandbox.Project + "_", StringComparison.Ordinal))
                            && (parts.Length < 3 || parts[2] == Sandbox.Project || parts[2].Length == 0))
            .Select(parts => (parts[0], parts.Length > 3 ? parts[3] : ""))
            .ToArray();
    }
}
