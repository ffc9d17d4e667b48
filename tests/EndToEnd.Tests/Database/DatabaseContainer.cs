using System.Text;
using CliWrap;
using CliWrap.Buffered;
using Docker.DotNet;
using EndToEnd.Tests.Sandbox;
using EndToEnd.Tests.Support;
using Nexplane.Upgrade.Database;
using Npgsql;

namespace EndToEnd.Tests.Database;

/// <summary>
/// A db container like the deployment's, for container-mode tests: the sandbox's PostgreSQL 15 image with a real
/// password (scram-sha-256 over TCP), host networking on a free loopback port, its own name, removed afterwards.
/// The Docker engine and the image come from the project's own scripts; without them the tests fail, never skip.
/// </summary>
public sealed class DatabaseContainer : IAsyncLifetime
{
    public const string Image = "127.0.0.1:5000/nexplane-sandbox/postgres:15";
    public const string User = "nexplane";
    public string Password { get; } = "pw-" + Guid.NewGuid().ToString("N");
    public string Name { get; } = $"nexplane-dbtest-{Guid.NewGuid():N}"[..28];
    public int Port { get; } = FreePort.Next();
    public string Id { get; private set; } = "";
    public IDockerClient Docker { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await SandboxInstance.EnsureEnvironmentAsync();
        var run = await Cli.Wrap("docker")
            .WithArguments(["run", "-d", "--name", Name, "--network", "host", "--label", "org.nexplane.test=database",
                "-e", $"POSTGRES_USER={User}", "-e", "POSTGRES_PASSWORD", "-e", "POSTGRES_DB=nexplane", "-e", $"PGPORT={Port}", Image, "postgres"])
            // The password reaches docker through its environment ("-e NAME" copies it), not through argv.
            .WithEnvironmentVariables(new Dictionary<string, string?> { ["POSTGRES_PASSWORD"] = Password })
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
        if (run.ExitCode != 0)
            throw new InvalidOperationException($"docker run of {Image} failed (exit {run.ExitCode}): {run.StandardError}");
        Id = run.StandardOutput.Trim();
        Docker = await Nexplane.Upgrade.Compose.DeploymentContainers.ConnectAsync(CancellationToken.None);
        await WaitUntilReadyAsync();
    }

    async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString("nexplane"));
                await connection.OpenAsync();
                return;
            }
            catch (Exception exception) when (exception is NpgsqlException or System.Net.Sockets.SocketException)
            {
                last = exception;
                await Task.Delay(200);
            }
        }
        var logs = await Cli.Wrap("docker").WithArguments(["logs", Name]).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        throw new InvalidOperationException($"The db container {Name} did not accept connections within 30 s ({last?.Message}):\n{logs.StandardOutput}{logs.StandardError}");
    }

    public async Task DisposeAsync()
    {
        Docker?.Dispose();
        await Cli.Wrap("docker").WithArguments(["rm", "-f", "-v", Name]).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
    }

    public ContainerExec Exec => new(Docker);

    public DatabaseTarget Target(string database, string? password = null) => new("127.0.0.1", Port, database, User, password ?? Password);

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username={User};Password={Password};Database={database};Pooling=false;Timeout=10";

    public string DatabaseUrl(string database) => $"postgresql://{User}:{Password}@127.0.0.1:{Port}/{database}";

    /// <summary>A fresh database filled with <see cref="SampleData"/>.</summary>
    public async Task<string> CreateSampleDatabaseAsync()
    {
        var name = $"nexplane_{Guid.NewGuid():N}"[..24];
        await SampleData.ExecuteAsync(ConnectionString("nexplane"), $"create database {name}");
        await SampleData.LoadAsync(DatabaseUrl(name), ConnectionString(name));
        return name;
    }
}
