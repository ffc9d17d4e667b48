using System.Text.RegularExpressions;
using Docker.DotNet;
using Docker.DotNet.Models;
using EndToEnd.Tests.Rehearsal;
using EndToEnd.Tests.Rollback;
using EndToEnd.Tests.Support;

namespace EndToEnd.Tests.ComposeV1;

public sealed class ComposeV1Deployment() : RollbackDeploymentFixture(87, SandboxShape.Runbook, ComposeLane.V1);

/// <summary>
/// The v1 lane. The suite runs on compose v2, what real installs run; but Debian 12's own apt still installs
/// docker-compose 1.29.2, and a deployment v1 created keeps v1 (the tool's own choice, so its containers keep their
/// project_service_1 names). Here, on a deployment created by v1 with both installed: an upgrade killed and resumed to
/// its end, a failed migration rolled back, and a rehearsal, each on v1 and saying so.
/// </summary>
public sealed class ComposeV1LaneTests(ComposeV1Deployment fixture) : IClassFixture<ComposeV1Deployment>
{
    readonly RollbackDeployment _deployment = fixture.Deployment;

    const string KeptV1 = "Compose: docker-compose (v1): compose 1.29.2 created this deployment's containers, and keeping it keeps their names (project_service_1)";

    [Fact]
    public async Task A_failed_migration_is_rolled_back_on_v1()
    {
        await _deployment.ReadyOnAsync("0.2.0");
        var before = await _deployment.CaptureAsync();

        var run = await _deployment.UpgradeAsync("0.3.1");

        Assert.True(Regex.IsMatch(run.Output, @"StartBackend\s+Failed") && Regex.IsMatch(run.Output, @"Rollback\s+Succeeded"), "expected StartBackend to fail and Rollback to succeed: " + run);
        Assert.Contains(KeptV1, run.Output);
        await _deployment.AssertRolledBackAsync(before, run);
        Assert.All(await ContainersAsync(), container => Assert.EndsWith("_1 1.29.2", container));
    }

    /// <summary>The lane's upgrade: killed after the pin, resumed, and ending on 0.3.0 with v1's own container names.</summary>
    [Fact]
    public async Task An_upgrade_killed_after_pinning_is_resumed_on_v1_and_keeps_its_container_names()
    {
        await _deployment.ReadyOnAsync("0.2.0");
        using (var upgrade = InterruptibleRun.Start(_deployment.UpgradeArguments("0.3.0")))
        {
            await upgrade.WaitForLineAsync("backend: pinned", TimeSpan.FromMinutes(3));
            upgrade.Signal(InterruptibleRun.SigKill);
            await upgrade.WaitForGroupGoneAsync(TimeSpan.FromSeconds(30));
        }

        var resumed = await _deployment.UpgradeAsync("0.3.0", "--resume");

        Assert.True(resumed.ExitCode == 0, "the resumed upgrade on v1 failed: " + resumed);
        Assert.Contains(KeptV1, resumed.Output);
        Assert.Contains("Upgraded and healthy: Nexplane 0.2.0 -> 0.3.0", resumed.Output);
        Assert.Equal("0.3.0", await _deployment.ServedVersionAsync());
        var project = _deployment.Sandbox.Project;
        Assert.Equal(
            [$"{project}_backend_1 1.29.2", $"{project}_db_1 1.29.2", $"{project}_frontend_1 1.29.2", $"{project}_redis_1 1.29.2", $"{project}_worker_1 1.29.2"],
            await ContainersAsync());
    }

    [Fact]
    public async Task A_rehearsal_runs_its_copy_with_v1_and_leaves_the_deployment_untouched()
    {
        await _deployment.ReadyOnAsync("0.2.0");
        var before = await ContainersAsync();

        var run = await _deployment.RehearseAsync("0.3.0");

        Assert.True(run.ExitCode == 0, "the rehearsal on v1 failed: " + run);
        Assert.Contains(KeptV1, run.Output);
        Assert.Contains("Throwaway copy: backend, worker recreated on 0.3.0", run.Output);
        Assert.True(_deployment.LastReport("0.2.0", "0.3.0").Passed);
        Assert.Empty(await _deployment.LeftoversAsync());
        Assert.Equal(before, await ContainersAsync());
        Assert.Equal("0.2.0", await _deployment.ServedVersionAsync());
    }

    /// <summary>The deployment's containers (not its agent hosts or GitHub stand-in): name and the compose version that created them.</summary>
    async Task<string[]> ContainersAsync()
    {
        using var docker = new DockerClientConfiguration(new Uri("unix:///var/run/docker.sock")).CreateClient();
        var listed = await docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"com.docker.compose.project={_deployment.Sandbox.Project}"] = true },
            },
        });
        return listed
            .Where(container => container.Labels.ContainsKey("com.docker.compose.version"))
            .Select(container => $"{container.Names[0].TrimStart('/')} {container.Labels["com.docker.compose.version"]}")
            .Order(StringComparer.Ordinal)
            .ToArray();
    }
}
