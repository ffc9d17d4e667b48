using CliWrap;
using CliWrap.Buffered;
using EndToEnd.Tests.Sandbox;
using EndToEnd.Tests.Support;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Processes;

namespace EndToEnd.Tests.Database;

/// <summary>
/// Nexplane's production compose publishes no database port, so the runbook's <c>pg_dump -h localhost</c> fails
/// there. A db container on a compose bridge network without a published port: the tool finds it by its compose
/// labels, reaches it at its own address, and backs it up with the container's own pg_dump.
/// </summary>
public sealed class UnpublishedPortTests : IAsyncLifetime
{
    readonly string _project = $"nexplane-unpublished-{Guid.NewGuid():N}"[..30];
    readonly string _password = "pw-" + Guid.NewGuid().ToString("N");
    readonly string _backups = Path.Combine(Path.GetTempPath(), $"unpublished-backups-{Guid.NewGuid():N}");
    string _containerId = "";

    public async Task InitializeAsync()
    {
        await SandboxInstance.EnsureEnvironmentAsync();
        var run = await Cli.Wrap("docker")
            .WithArguments(["run", "-d", "--label", $"com.docker.compose.project={_project}", "--label", "com.docker.compose.service=db",
                "--label", "org.nexplane.test=database", "-e", "POSTGRES_USER=nexplane", "-e", "POSTGRES_PASSWORD", "-e", "POSTGRES_DB=nexplane",
                "-e", "POSTGRES_LISTEN_ADDRESSES=*", DatabaseContainer.Image, "postgres"])
            .WithEnvironmentVariables(new Dictionary<string, string?> { ["POSTGRES_PASSWORD"] = _password })
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
        Assert.True(run.ExitCode == 0, run.StandardError);
        _containerId = run.StandardOutput.Trim();
    }

    public async Task DisposeAsync()
    {
        await Cli.Wrap("docker").WithArguments(["rm", "-f", "-v", _containerId]).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        if (Directory.Exists(_backups))
            Directory.Delete(_backups, recursive: true);
    }

    [Fact]
    public async Task The_db_container_is_reached_at_its_own_address_and_backed_up_with_its_own_tools()
    {
        using var docker = await DeploymentContainers.ConnectAsync(CancellationToken.None);
        var containers = new DeploymentContainers(docker, _project);
        var unpublished = new DatabaseTarget("127.0.0.1", FreePort.Next(), "nexplane", "nexplane", _password);
        var logged = new List<string>();

        // Until the container's server accepts connections the resolver names its address without having reached it.
        DatabaseTarget resolved = unpublished;
        for (var attempt = 0; attempt < 100 && logged.Count == 0; attempt++)
        {
            resolved = await DatabaseAddressResolver.ResolveAsync(unpublished, hostNamedExplicitly: true, ct => containers.EndpointOfAsync("db", 5432, ct), 5432,
                logged.Add, CancellationToken.None);
            if (logged.Count == 0)
                await Task.Delay(200);
        }

        Assert.NotEqual("127.0.0.1", resolved.Host);
        Assert.Equal(5432, resolved.Port);
        Assert.Contains(logged, line => line.Contains("its port is not published"));
        var backup = await RetryUntilReadyAsync(() => new BackupService(new BackupFiles(_backups), new ContainerExec(docker), new CliWrapCommandRunner(), _ => { }, TestAdvice.Nuke)
            .BackUpAsync(new BackupRequest(resolved, BackupMode.Container, BackupFormat.Custom, "0.2.0", new Dictionary<string, string>(), _containerId), CancellationToken.None));
        Assert.True(backup.Verified);
        Assert.Equal(BackupMode.Container, backup.Mode);
    }

    /// <summary>The port answers a moment before the server accepts logins; retry only that startup window.</summary>
    static async Task<T> RetryUntilReadyAsync<T>(Func<Task<T>> action)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await action();
            }
            catch (DatabaseAccessException) when (attempt < 50)
            {
                await Task.Delay(200);
            }
        }
    }
}
