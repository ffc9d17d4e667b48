using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Tests.Operator;
using Nexplane.Upgrade.Processes;
using Nexplane.Upgrade.Tests.Processes;

namespace Nexplane.Upgrade.Tests.Compose;

/// <summary>Compose commands are data: their argument lists are the specification.</summary>
public sealed class ComposeCliTests
{
    static ComposeCli Cli(ComposeVariant variant = ComposeVariant.V2) =>
        new(variant, "/srv/nexplane/docker-compose.yml", "nexplane", "/srv/nexplane/.env", new ProtectedServiceGuard(["db", "redis"], TestAdvice.Nuke));

    [Fact]
    public void Up_recreates_exactly_the_named_services_without_their_dependencies()
    {
        var command = Cli().Up(["frontend"]);

        Assert.Equal("docker", command.Program);
        Assert.Equal(
            ["compose", "--file", "/srv/nexplane/docker-compose.yml", "--project-name", "nexplane", "--env-file", "/srv/nexplane/.env",
             "up", "-d", "--no-deps", "frontend"],
            command.Arguments);
        Assert.Equal("/srv/nexplane", command.WorkingDirectory);
    }

    [Fact]
    public void Compose_v1_is_the_docker_compose_program()
    {
        var command = Cli(ComposeVariant.V1).Up(["backend", "worker"]);

        Assert.Equal("docker-compose", command.Program);
        Assert.Equal(["--file", "/srv/nexplane/docker-compose.yml", "--project-name", "nexplane", "--env-file", "/srv/nexplane/.env",
                      "up", "-d", "--no-deps", "backend", "worker"], command.Arguments);
    }

    [Fact]
    public void Up_never_recreates_db_or_redis()
    {
        Assert.Throws<ProtectedServiceException>(() => Cli().Up(["db"]));
        Assert.Throws<ProtectedServiceException>(() => Cli().Up(["backend", "redis"]));
    }

    [Fact]
    public void Secrets_never_reach_the_argument_list()
    {
        var command = Cli().Up(["backend", "worker"]);

        Assert.Empty(command.Environment);
        Assert.DoesNotContain(command.Arguments, argument => argument.Contains("PASSWORD", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Config_reads_the_deployment_as_compose_resolves_it()
    {
        var command = Cli().Config();

        Assert.Equal(["compose", "--file", "/srv/nexplane/docker-compose.yml", "--project-name", "nexplane", "--env-file", "/srv/nexplane/.env",
            "config"], command.Arguments);
        Assert.Equal("/srv/nexplane", command.WorkingDirectory);
    }

    [Fact]
    public async Task V2_works_when_its_version_command_succeeds_and_not_when_it_fails_or_is_missing()
    {
        Assert.True(await ComposeCli.WorksAsync(new RecordingCommandRunner(), ComposeVariant.V2, CancellationToken.None));
        Assert.False(await ComposeCli.WorksAsync(new RecordingCommandRunner(_ => new CommandAnswer(1)), ComposeVariant.V2, CancellationToken.None));

        var nothing = new RecordingCommandRunner(command =>
            throw new CommandNotStartedException(command, new System.ComponentModel.Win32Exception("No such file or directory")));
        Assert.False(await ComposeCli.WorksAsync(nothing, ComposeVariant.V2, CancellationToken.None));
    }

    [Theory]
    [InlineData("1.29.2\n", true)]
    [InlineData("2.26.1\n", false)] // the standalone v2 binary installed as docker-compose renames containers like the plugin
    [InlineData("", false)]
    public async Task V1_works_only_when_docker_compose_reports_a_1_x_version(string shortVersion, bool works)
    {
        var commands = new RecordingCommandRunner(_ => new CommandAnswer(0, shortVersion));

        Assert.Equal(works, await ComposeCli.WorksAsync(commands, ComposeVariant.V1, CancellationToken.None));
        Assert.Equal(["docker-compose version --short"], commands.Commands.Select(c => c.ToString()));
    }

    [Fact]
    public async Task A_deployment_v1_created_keeps_v1_through_the_production_probe_and_asks_nothing_else()
    {
        var commands = new RecordingCommandRunner(_ => new CommandAnswer(0, "1.29.2\n"));

        var choice = await ComposeCli.ChooseAsync(commands, ComposeCommand.Auto, "1.29.2", "--compose-command", CancellationToken.None);

        Assert.Equal(ComposeVariant.V1, choice.Variant);
        Assert.Equal(["docker-compose version --short"], commands.Commands.Select(c => c.ToString()));
    }
}
