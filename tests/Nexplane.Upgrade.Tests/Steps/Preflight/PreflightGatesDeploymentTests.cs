using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Steps.Preflight;
using static Nexplane.Upgrade.Tests.Steps.Preflight.PreflightSample;
using Nexplane.Upgrade.Tests.Operator;

namespace Nexplane.Upgrade.Tests.Steps.Preflight;

/// <summary>The deployment's gates: which services an upgrade moves, the variables compose needs, the containers.</summary>
public sealed class PreflightGatesDeploymentTests
{
    [Fact]
    public void The_app_services_in_the_compose_file_are_selected_and_an_absent_one_is_skipped()
    {
        var selection = PreflightGates.Services(["backend", "worker", "frontend", "scheduler"], ["db", "redis"], Files().Compose, TestAdvice.Nuke);

        Assert.Equal(["backend", "worker", "frontend"], selection.Selected);
        Assert.Empty(selection.Failures);
    }

    [Fact]
    public void A_service_named_both_app_and_protected_is_refused()
    {
        var selection = PreflightGates.Services(["backend", "db"], ["db", "redis"], Files().Compose, TestAdvice.Nuke);

        Assert.Equal(["backend"], selection.Selected);
        var failure = Assert.Single(selection.Failures);
        Assert.Equal("services", failure.Gate);
        Assert.Equal("'db' is both an app service and a protected service; protected services are never restarted.", failure.Message);
    }

    [Fact]
    public void A_service_built_from_source_is_refused_with_how_to_leave_it_out()
    {
        var files = Files(ComposeText + "\n  nginx:\n    build: ./nginx\n");

        var failure = Assert.Single(PreflightGates.Services(["backend", "nginx"], ["db"], files.Compose, TestAdvice.Nuke).Failures);

        Assert.Equal("services", failure.Gate);
        Assert.StartsWith("Service 'nginx' is built from source (build: without image:).", failure.Message);
        Assert.EndsWith("or leave it out with --app-services.", failure.Message);
    }

    [Fact]
    public void None_of_the_app_services_in_the_compose_file_is_refused_naming_them()
    {
        var failure = Assert.Single(PreflightGates.Services(["api", "jobs"], ["db"], Files().Compose, TestAdvice.Nuke).Failures);

        Assert.Equal(new UpgradeGateFailure("services", "None of the app services (api, jobs) is in /deploy/docker-compose.yml."), failure);
    }

    [Fact]
    public void A_variable_the_compose_file_needs_and_nobody_sets_is_refused()
    {
        var failure = Assert.Single(PreflightGates.ComposeVariables(Files(envText: "")));

        Assert.Equal("compose-variables", failure.Gate);
        Assert.Equal("/deploy/docker-compose.yml uses ${NEXPLANE_TAG} (service(s) backend, worker) without a default, and neither /deploy/.env nor " +
                     "the environment sets it: compose would start the service with an empty NEXPLANE_TAG. Set NEXPLANE_TAG in /deploy/.env.", failure.Message);
    }

    [Fact]
    public void A_variable_set_by_the_environment_instead_of_the_env_file_passes()
    {
        Assert.Empty(PreflightGates.ComposeVariables(Files(envText: "", environment: new Dictionary<string, string> { ["NEXPLANE_TAG"] = "0.2.0" })));
        Assert.Empty(PreflightGates.ComposeVariables(Files()));
    }

    [Fact]
    public void An_engine_that_does_not_answer_is_refused()
    {
        var failure = Assert.Single(PreflightGates.Docker(new ContainerFacts([], "The Docker engine at unix:///var/run/docker.sock does not answer")));

        Assert.Equal(new UpgradeGateFailure("docker", "The Docker engine at unix:///var/run/docker.sock does not answer"), failure);
        Assert.Empty(PreflightGates.Docker(OwnContainers));
    }

    [Fact]
    public void Another_deployments_container_is_refused()
    {
        var containers = new ContainerFacts([new ServiceContainers("db", []), new ServiceContainers("backend", [], "nexplane-backend-1 was created from /other/docker-compose.yml")]);

        var failure = Assert.Single(PreflightGates.OwnContainers(containers));

        Assert.Equal(new UpgradeGateFailure("deployment", "nexplane-backend-1 was created from /other/docker-compose.yml"), failure);
        Assert.Empty(PreflightGates.OwnContainers(OwnContainers));
    }

    [Fact]
    public void A_protected_service_whose_compose_file_names_another_major_is_refused()
    {
        var files = Files(ComposeText.Replace("postgres:16-alpine", "postgres:17-alpine"));

        var failure = Assert.Single(PreflightGates.ProtectedImages(["db", "redis"], files, OwnContainers));

        Assert.Equal("protected-image", failure.Gate);
        Assert.Contains("a major version change of db", failure.Message);
        Assert.Empty(PreflightGates.ProtectedImages(["db", "redis"], Files(), OwnContainers));
    }

    [Fact]
    public void Protected_images_are_not_judged_on_another_deployments_containers_or_a_stopped_one()
    {
        var files = Files(ComposeText.Replace("postgres:16-alpine", "postgres:17-alpine"));
        var foreign = new ContainerFacts([.. OwnContainers.Services, new ServiceContainers("backend", [], "not this deployment's")]);
        var stopped = new ContainerFacts([new ServiceContainers("db", [Running("db", "postgres:16-alpine") with { State = "exited" }])]);

        Assert.Empty(PreflightGates.ProtectedImages(["db"], files, foreign));
        Assert.Empty(PreflightGates.ProtectedImages(["db"], files, stopped));
        Assert.Empty(PreflightGates.ProtectedImages(["db"], files, new ContainerFacts([], "no engine")));
    }
}
