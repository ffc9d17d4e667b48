using System.Text.Json.Nodes;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Processes;
using Nexplane.Upgrade.Rehearsals;
using Nexplane.Upgrade.Tests.Processes;
using YamlDotNet.RepresentationModel;
using Nexplane.Upgrade.Tests.Operator;

namespace Nexplane.Upgrade.Tests.Rehearsals;

/// <summary>
/// The compose file the copy's backend and worker run from: the running images first, the rehearsed ones second, the
/// deployment's order between them, and none of the deployment's secrets on disk.
/// </summary>
public sealed class CopyComposeProjectTests : IDisposable
{
    readonly string _directory = Path.Combine(Path.GetTempPath(), $"copy-compose-{Guid.NewGuid():N}");

    static readonly IReadOnlyDictionary<string, string> Labels = CopyPlan.Labels("r1", "/srv/nexplane/docker-compose.yml");

    // Values as the containers get them: ComposeConfig has already turned compose config's "$$" back into "$".
    static CopyContainer App(string service, CopyRole role, bool joinsDatabase = false, IReadOnlyDictionary<string, string>? dependsOn = null,
        YamlMappingNode? healthcheck = null) =>
        new(service, role, $"nexplane-rehearsal-r1-{service}", $"registry.local/{service}:2",
            ["DATABASE_URL=postgresql://u:pa$word@db:5432/n", "EMPTY="], ["sh", "-c", "echo $HOME && uvicorn app"], null, null, "/app",
            "no", joinsDatabase, Labels)
        {
            RunningImage = $"registry.local/{service}:1",
            DependsOn = dependsOn ?? new Dictionary<string, string>(),
            Healthcheck = healthcheck,
        };

    readonly RecordingCommandRunner _commands = new();

    CopyComposeProject Project(params CopyContainer[] services) =>
        new(ComposeVariant.V2, "nexplane-rehearsal-r1", _directory, services, _commands, TestAdvice.Nuke);

    [Fact]
    public void Runs_the_running_images_first_and_the_rehearsed_versions_images_second()
    {
        var project = Project(App("backend", CopyRole.Backend), App("worker", CopyRole.Companion, dependsOn: Started("backend")));

        var running = JsonNode.Parse(project.Document(rehearsedVersion: false, "db-id").Document)!;
        var rehearsed = JsonNode.Parse(project.Document(rehearsedVersion: true, "db-id").Document)!;

        Assert.Equal("registry.local/backend:1", (string?)running["services"]!["backend"]!["image"]);
        Assert.Equal("registry.local/worker:1", (string?)running["services"]!["worker"]!["image"]);
        Assert.Equal("registry.local/backend:2", (string?)rehearsed["services"]!["backend"]!["image"]);
        Assert.Equal("registry.local/worker:2", (string?)rehearsed["services"]!["worker"]!["image"]);
        Assert.Equal("nexplane-rehearsal-r1", project.ProjectName);
    }

    [Fact]
    public void At_a_stop_on_the_way_the_backend_alone_runs_the_stops_image_until_it_is_pinned_back()
    {
        var project = Project(App("backend", CopyRole.Backend), App("worker", CopyRole.Companion, dependsOn: Started("backend")));

        project.RunImage("backend", "registry.local/backend:1.5");
        var atTheStop = JsonNode.Parse(project.Document(rehearsedVersion: true, "db-id").Document)!;
        project.RunImage("backend", null);
        var atTheTarget = JsonNode.Parse(project.Document(rehearsedVersion: true, "db-id").Document)!;

        Assert.Equal("registry.local/backend:1.5", (string?)atTheStop["services"]!["backend"]!["image"]);
        Assert.Equal("registry.local/worker:2", (string?)atTheStop["services"]!["worker"]!["image"]);
        Assert.Equal("registry.local/backend:2", (string?)atTheTarget["services"]!["backend"]!["image"]);
    }

    [Fact]
    public void The_environments_values_reach_compose_through_its_environment_and_never_the_file()
    {
        var (document, values) = Project(App("backend", CopyRole.Backend)).Document(rehearsedVersion: true, "db-id");

        Assert.DoesNotContain("pa$word", document);
        Assert.DoesNotContain("word@db", document);
        var environment = JsonNode.Parse(document)!["services"]!["backend"]!["environment"]!.AsObject();
        var reference = (string)environment["DATABASE_URL"]!;
        Assert.Matches(@"^\$\{NEXPLANE_REHEARSAL_VALUE_\d+\}$", reference);
        // Compose does not interpolate a substituted value again: the container gets it exactly.
        Assert.Equal("postgresql://u:pa$word@db:5432/n", values[reference[2..^1]]);
        Assert.Equal("", values[((string)environment["EMPTY"]!)[2..^1]]);
    }

    [Fact]
    public void A_dollar_outside_the_environment_is_doubled_so_compose_gives_the_container_one()
    {
        var document = JsonNode.Parse(Project(App("backend", CopyRole.Backend)).Document(rehearsedVersion: true, "db-id").Document)!;

        Assert.Equal("echo $$HOME && uvicorn app", (string?)document["services"]!["backend"]!["command"]![2]);
        Assert.Equal("r1", (string?)document["services"]!["backend"]!["labels"]![CopyPlan.RehearsalLabel]);
        Assert.Equal("no", (string?)document["services"]!["backend"]!["restart"]);
    }

    [Fact]
    public void Services_join_the_copys_network_under_their_own_name_or_the_databases_namespace_and_keep_their_order()
    {
        var healthcheck = new YamlMappingNode { { "test", new YamlSequenceNode(new YamlScalarNode("CMD"), new YamlScalarNode("probe")) }, { "retries", "30" } };
        var bridge = JsonNode.Parse(Project(App("backend", CopyRole.Backend, healthcheck: healthcheck),
                App("worker", CopyRole.Companion, dependsOn: new Dictionary<string, string> { ["backend"] = "service_healthy", ["redis"] = "service_started" }))
            .Document(rehearsedVersion: true, "db-id").Document)!;
        var hostNetwork = JsonNode.Parse(Project(App("backend", CopyRole.Backend, joinsDatabase: true))
            .Document(rehearsedVersion: true, "db-id").Document)!;

        Assert.Equal("backend", (string?)bridge["services"]!["backend"]!["networks"]!["copy"]!["aliases"]![0]);
        Assert.Equal("nexplane-rehearsal-r1", (string?)bridge["networks"]!["copy"]!["name"]);
        Assert.True((bool)bridge["networks"]!["copy"]!["external"]!);
        // Only the dependencies inside the copy's project (redis is started by the copy itself), with their conditions,
        // and the healthcheck a service_healthy condition waits on.
        Assert.Equal(["backend"], bridge["services"]!["worker"]!["depends_on"]!.AsObject().Select(pair => pair.Key));
        Assert.Equal("service_healthy", (string?)bridge["services"]!["worker"]!["depends_on"]!["backend"]!["condition"]);
        Assert.Equal(30, (int)bridge["services"]!["backend"]!["healthcheck"]!["retries"]!);
        Assert.Equal("probe", (string?)bridge["services"]!["backend"]!["healthcheck"]!["test"]![1]);
        Assert.Null(bridge["services"]!["backend"]!["depends_on"]);
        Assert.Equal("container:db-id", (string?)hostNetwork["services"]!["backend"]!["network_mode"]);
        Assert.Null(hostNetwork["networks"]);
    }

    [Fact]
    public async Task Up_writes_the_file_and_runs_compose_up_of_every_service_with_the_values_in_its_environment_only()
    {
        var project = Project(App("backend", CopyRole.Backend), App("worker", CopyRole.Companion, dependsOn: Started("backend")));

        await project.UpAsync(rehearsedVersion: true, "db-id", _ => { }, CancellationToken.None);

        var up = Assert.Single(_commands.Commands);
        Assert.Equal("docker", up.Program);
        Assert.Equal(["compose", "--file", project.File, "--project-name", "nexplane-rehearsal-r1", "up", "-d", "--no-deps", "backend", "worker"],
            up.Arguments);
        Assert.Equal(_directory, up.WorkingDirectory);
        Assert.Contains("postgresql://u:pa$word@db:5432/n", up.Environment.Values);
        Assert.DoesNotContain(up.Arguments, argument => argument.Contains("pa$word"));
        Assert.DoesNotContain("pa$word", await File.ReadAllTextAsync(project.File));
    }

    [Fact]
    public async Task A_failed_up_is_an_error_that_names_the_command()
    {
        var commands = new RecordingCommandRunner(_ => new CommandAnswer(1, StandardError: "network not found"));
        var project = new CopyComposeProject(ComposeVariant.V2, "nexplane-rehearsal-r1", _directory, [App("backend", CopyRole.Backend)], commands,
            TestAdvice.Nuke);

        var failed = await Assert.ThrowsAsync<CommandFailedException>(() => project.UpAsync(false, "db-id", _ => { }, CancellationToken.None));

        Assert.Equal(1, failed.ExitCode);
        Assert.EndsWith("network not found", failed.Message);
    }

    static IReadOnlyDictionary<string, string> Started(string service) => new Dictionary<string, string> { [service] = "service_started" };

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }
}
