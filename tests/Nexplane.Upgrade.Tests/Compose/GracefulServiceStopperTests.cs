using Docker.DotNet;
using Nexplane.Upgrade.Compose;

namespace Nexplane.Upgrade.Tests.Compose;

public sealed class GracefulServiceStopperTests
{
    [Theory]
    [InlineData("db")]
    [InlineData("redis")]
    public async Task Stop_refuses_db_and_redis_before_asking_the_engine_anything(string protectedService)
    {
        // An engine that does not exist: reaching it would fail differently, so the refusal must come first.
        using var docker = new DockerClientConfiguration(new Uri("unix:///nonexistent/docker.sock")).CreateClient();
        var stopper = new GracefulServiceStopper(docker, new DeploymentContainers(docker, "nexplane"), new ProtectedServiceGuard(["db", "redis"]), _ => { });

        var exception = await Assert.ThrowsAsync<ProtectedServiceException>(() =>
            stopper.StopAsync(["backend", protectedService], TimeSpan.FromSeconds(5), CancellationToken.None));
        Assert.Contains(protectedService, exception.Message);
    }
}
