using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Tests.Operator;

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
}
