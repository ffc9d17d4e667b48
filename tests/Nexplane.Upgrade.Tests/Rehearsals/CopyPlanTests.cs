using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Rehearsals;

namespace Nexplane.Upgrade.Tests.Rehearsals;

/// <summary>The throwaway copy's layout: its own network or namespace, the deployment's environment, nothing of the deployment's storage.</summary>
public sealed class CopyPlanTests
{
    static ResolvedService Service(string name, string? networkMode = null, IReadOnlyDictionary<string, string>? environment = null,
        IReadOnlyList<PublishedPort>? ports = null, IReadOnlyList<string>? command = null, string? restart = "unless-stopped") =>
        new(name, $"registry.local/{name}:1", environment ?? new Dictionary<string, string>(), networkMode, command, null, null, null, restart, ports ?? []);

    static CopyRequest Request(params ResolvedService[] services) => new("r1", "/srv/nexplane/docker-compose.yml", services, "db", ["redis"],
        "backend", "registry.local/backend:2", "frontend", "registry.local/frontend:2", new Uri("http://127.0.0.1:18000"), new Uri("http://127.0.0.1:13000"));

    static ResolvedService[] BridgeDeployment() =>
    [
        Service("db", environment: new Dictionary<string, string> { ["POSTGRES_PASSWORD"] = "pw" }),
        Service("redis"),
        Service("backend", environment: new Dictionary<string, string> { ["DATABASE_URL"] = "postgresql://u:pw@db:5432/n", ["HOST"] = "127.0.0.1" },
            ports: [new PublishedPort(18000, 8000)]),
        Service("frontend", ports: [new PublishedPort(13000, 3000)]),
    ];

    static ResolvedService[] HostNetworkDeployment() =>
    [
        Service("db", "host", new Dictionary<string, string> { ["PGPORT"] = "18002" }),
        Service("redis", "host"),
        Service("backend", "host", new Dictionary<string, string>
        {
            ["DATABASE_URL"] = "postgresql://u:pw@127.0.0.1:18002/n", ["HOST"] = "127.0.0.1", ["PORT"] = "18000",
        }),
        Service("frontend", "host", new Dictionary<string, string> { ["HOST"] = "localhost", ["BACKEND_URL"] = "http://127.0.0.1:18000" }),
    ];

    [Fact]
    public void Starts_the_database_first_then_the_services_beside_it_the_target_backend_and_the_target_frontend()
    {
        var containers = CopyPlan.Containers(Request(BridgeDeployment()));

        Assert.Equal(["db", "redis", "backend", "frontend"], containers.Select(c => c.Service));
        Assert.Equal([CopyRole.Database, CopyRole.Supporting, CopyRole.Backend, CopyRole.Frontend], containers.Select(c => c.Role));
        Assert.Equal("registry.local/db:1", containers[0].Image);
        Assert.Equal("registry.local/backend:2", containers[2].Image);
        Assert.Equal("registry.local/frontend:2", containers[3].Image);
    }

    [Fact]
    public void The_services_StartBackend_starts_with_the_backend_follow_it_with_their_target_image_and_the_image_that_runs_now()
    {
        var services = BridgeDeployment().Append(Service("worker") with { DependsOn = new Dictionary<string, string> { ["backend"] = "service_started" } }).ToArray();
        var request = Request(services) with
        {
            CompanionImages = new Dictionary<string, string> { ["worker"] = "registry.local/worker:2" },
            // The backend's container was created from an older tag than its compose file names now: the copy runs what runs.
            RunningImages = new Dictionary<string, string> { ["backend"] = "registry.local/backend:0" },
        };

        var containers = CopyPlan.Containers(request);

        Assert.Equal(["db", "redis", "backend", "worker", "frontend"], containers.Select(c => c.Service));
        var worker = containers.Single(c => c.Role == CopyRole.Companion);
        Assert.Equal("registry.local/worker:2", worker.Image);
        Assert.Equal("registry.local/worker:1", worker.RunningImage);
        Assert.Equal(["backend"], worker.DependsOn.Keys);
        Assert.Equal("registry.local/backend:0", containers.Single(c => c.Role == CopyRole.Backend).RunningImage);
    }

    [Fact]
    public void The_backend_gets_the_deployments_environment_unchanged_on_a_network_of_its_own()
    {
        var backend = CopyPlan.Containers(Request(BridgeDeployment())).Single(c => c.Role == CopyRole.Backend);

        Assert.Equal(["DATABASE_URL=postgresql://u:pw@db:5432/n", "HOST=127.0.0.1"], backend.Environment);
        Assert.False(backend.JoinsDatabaseNamespace);
        Assert.Equal("unless-stopped", backend.RestartPolicy);
    }

    [Fact]
    public void Every_container_carries_the_rehearsals_labels_and_none_of_composes()
    {
        var containers = CopyPlan.Containers(Request(BridgeDeployment()));

        Assert.All(containers, container =>
        {
            Assert.Equal("r1", container.Labels[CopyPlan.RehearsalLabel]);
            Assert.Equal("/srv/nexplane/docker-compose.yml", container.Labels[CopyPlan.ComposeFileLabel]);
            Assert.DoesNotContain(container.Labels.Keys, key => key.StartsWith("com.docker.compose", StringComparison.Ordinal));
            Assert.StartsWith("nexplane-rehearsal-r1-", container.Name);
        });
    }

    [Fact]
    public void The_database_server_listens_on_its_network_address_so_the_backup_can_be_loaded_without_a_published_port()
    {
        var database = CopyPlan.Containers(Request(BridgeDeployment()))[0];

        Assert.Equal(["postgres", "-c", "listen_addresses=*"], database.Command);
        Assert.Contains("POSTGRES_PASSWORD=pw", database.Environment);
    }

    [Fact]
    public void A_database_command_of_the_deployments_own_keeps_its_arguments()
    {
        var services = BridgeDeployment();
        services[0] = services[0] with { Command = ["postgres", "-c", "max_connections=200"] };

        Assert.Equal(["postgres", "-c", "max_connections=200", "-c", "listen_addresses=*"], CopyPlan.Containers(Request(services))[0].Command);
    }

    [Fact]
    public void Host_network_services_share_the_copied_databases_namespace_so_their_loopback_addresses_reach_the_copy()
    {
        var containers = CopyPlan.Containers(Request(HostNetworkDeployment()));

        Assert.False(containers[0].JoinsDatabaseNamespace);
        Assert.All(containers.Skip(1), container => Assert.True(container.JoinsDatabaseNamespace));
        Assert.Contains("DATABASE_URL=postgresql://u:pw@127.0.0.1:18002/n", containers.Single(c => c.Role == CopyRole.Backend).Environment);
    }

    [Fact]
    public void In_a_shared_namespace_only_variables_that_are_a_loopback_address_listen_on_every_address()
    {
        var containers = CopyPlan.Containers(Request(HostNetworkDeployment()));

        Assert.Contains("HOST=0.0.0.0", containers.Single(c => c.Role == CopyRole.Backend).Environment);
        Assert.Contains("HOST=0.0.0.0", containers.Single(c => c.Role == CopyRole.Frontend).Environment);
        Assert.Contains("BACKEND_URL=http://127.0.0.1:18000", containers.Single(c => c.Role == CopyRole.Frontend).Environment);
        Assert.Equal(["HOST"], CopyPlan.ListenAddressVariables(HostNetworkDeployment()[2]));
        Assert.Empty(CopyPlan.ListenAddressVariables(BridgeDeployment()[2]));
    }

    [Fact]
    public void The_copy_is_reached_at_the_container_port_behind_the_published_one_or_on_a_host_network_at_the_same_port()
    {
        Assert.Equal(8000, CopyPlan.ListeningPort(BridgeDeployment()[2], new Uri("http://127.0.0.1:18000/")));
        Assert.Equal(18000, CopyPlan.ListeningPort(HostNetworkDeployment()[2], new Uri("http://127.0.0.1:18000/")));
        Assert.Equal(8000, CopyPlan.ListeningPort(Service("backend", ports: [new PublishedPort(null, 8000)]), new Uri("https://nexplane.example.com/api")));
    }

    [Fact]
    public void A_service_compose_config_does_not_list_is_named()
    {
        var exception = Assert.Throws<RehearsalException>(() => CopyPlan.Containers(Request(BridgeDeployment()[..3])));

        Assert.Contains("frontend", exception.Message);
    }
}
