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
    public async Task Detection_prefers_compose_v2_and_asks_nothing_more_once_it_answers()
    {
        var commands = new RecordingCommandRunner();

        Assert.Equal(ComposeVariant.V2, await ComposeCli.DetectAsync(commands, CancellationToken.None));
        Assert.Equal(["docker compose version"], commands.Commands.Select(c => c.ToString()));
    }

    [Fact]
    public async Task Detection_falls_back_to_v1_when_v2_fails_or_docker_is_missing_and_says_what_to_install_when_neither_works()
    {
        var v2Fails = new RecordingCommandRunner(command => new CommandAnswer(command.Program == "docker" ? 1 : 0));
        Assert.Equal(ComposeVariant.V1, await ComposeCli.DetectAsync(v2Fails, CancellationToken.None));
        Assert.Equal(["docker compose version", "docker-compose version"], v2Fails.Commands.Select(c => c.ToString()));

        var nothing = new RecordingCommandRunner(command =>
            throw new CommandNotStartedException(command, new System.ComponentModel.Win32Exception("No such file or directory")));
        var refused = await Assert.ThrowsAsync<ComposeFileException>(() => ComposeCli.DetectAsync(nothing, CancellationToken.None));
        Assert.Equal("Neither 'docker compose' (v2) nor 'docker-compose' (v1) works on this machine; install one of them.", refused.Message);
    }
}
