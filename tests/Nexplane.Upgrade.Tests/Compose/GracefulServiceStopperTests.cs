using Docker.DotNet;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Tests.Operator;

namespace Nexplane.Upgrade.Tests.Compose;

/// <summary>The stop an upgrade runs (Stop, and the rollback's stop) refuses the protected services before it asks the engine anything.</summary>
public sealed class GracefulServiceStopperTests
{
    [Theory]
    [InlineData("db")]
    [InlineData("redis")]
    public async Task Stop_never_touches_db_or_redis(string protectedService)
    {
        // An engine that does not exist: the refusal must come before the first call to it.
        using var docker = new DockerClientConfiguration(new Uri("unix:///nonexistent/docker.sock")).CreateClient();
        var stopper = new GracefulServiceStopper(docker, new DeploymentContainers(docker, "nexplane", "/srv/nexplane/docker-compose.yml"),
            new ProtectedServiceGuard(["db", "redis"], TestAdvice.Nuke), _ => { });

        var exception = await Assert.ThrowsAsync<ProtectedServiceException>(() =>
            stopper.StopAsync(["backend", protectedService], TimeSpan.FromSeconds(10), CancellationToken.None));

        Assert.Contains($"Refusing to stop {protectedService}", exception.Message);
    }
}
