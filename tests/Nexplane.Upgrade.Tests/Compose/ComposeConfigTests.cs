using Nexplane.Upgrade.Compose;

namespace Nexplane.Upgrade.Tests.Compose;

/// <summary>compose config's output is read as compose v1 and v2 print it; compose's own rules are never redone.</summary>
public sealed class ComposeConfigTests
{
    const string V1Output = """
        services:
          backend:
            command: sh -c "alembic upgrade head && uvicorn app.main:app --host 0.0.0.0"
            environment:
              DATABASE_URL: postgresql://nexplane:s3cret@db:5432/nexplane
              PORT: '8000'
              EMPTY: ''
            image: ghcr.io/youbetyourballs/nexplane-backend:v0.2.0
            ports:
            - 127.0.0.1:20710:8000/tcp
            restart: unless-stopped
          worker:
            command: sh -c 'echo $$HOME'
            depends_on:
              backend:
                condition: service_healthy
            environment:
              PASSWORD: pa$$word
            healthcheck:
              test: ["CMD-SHELL", "probe $$PORT"]
              retries: 30
            image: ghcr.io/youbetyourballs/nexplane-worker:v0.2.0
          db:
            environment:
              POSTGRES_USER: nexplane
            image: postgres:16-alpine
            network_mode: host
            volumes:
            - postgres_data:/var/lib/postgresql/data:rw
        version: '3.9'
        """;

    const string V2Output = """
        name: nexplane
        services:
          backend:
            command:
              - sh
              - -c
              - alembic upgrade head && uvicorn app.main:app
            entrypoint: ["/docker-entrypoint.sh"]
            environment:
              - SECRET_KEY=abc=def
            image: ghcr.io/youbetyourballs/nexplane-backend:v0.2.0
            ports:
              - mode: ingress
                host_ip: 127.0.0.1
                target: 8000
                published: "20710"
                protocol: tcp
            user: "1000"
            working_dir: /app
        """;

    [Fact]
    public void Reads_each_service_as_compose_v1_resolved_it()
    {
        var services = ComposeConfig.Parse(V1Output);

        var backend = services.Single(s => s.Name == "backend");
        Assert.Equal("ghcr.io/youbetyourballs/nexplane-backend:v0.2.0", backend.Image);
        Assert.Equal("postgresql://nexplane:s3cret@db:5432/nexplane", backend.Environment["DATABASE_URL"]);
        Assert.Equal("", backend.Environment["EMPTY"]);
        Assert.Equal(["sh", "-c", "alembic upgrade head && uvicorn app.main:app --host 0.0.0.0"], backend.Command);
        Assert.Equal([new PublishedPort(20710, 8000)], backend.Ports);
        Assert.Equal("unless-stopped", backend.Restart);
        Assert.False(backend.UsesHostNetwork);
        Assert.True(services.Single(s => s.Name == "db").UsesHostNetwork);
        Assert.Empty(backend.DependsOn);
    }

    [Fact]
    public void Reads_dependencies_with_their_conditions_and_keeps_the_healthcheck_as_printed()
    {
        var worker = ComposeConfig.Parse(V1Output).Single(s => s.Name == "worker");

        Assert.Equal("service_healthy", worker.DependsOn["backend"]);
        Assert.Equal("probe $$PORT", ((YamlDotNet.RepresentationModel.YamlScalarNode)((YamlDotNet.RepresentationModel.YamlSequenceNode)worker.Healthcheck!["test"])[1]).Value);
        Assert.Equal("service_started", ComposeConfig.Parse("services:\n  worker:\n    depends_on: [backend]\n").Single().DependsOn["backend"]);
    }

    [Fact]
    public void A_dollar_compose_config_printed_doubled_is_the_single_dollar_the_container_gets()
    {
        var worker = ComposeConfig.Parse(V1Output).Single(s => s.Name == "worker");

        Assert.Equal("pa$word", worker.Environment["PASSWORD"]);
        Assert.Equal(["sh", "-c", "echo $HOME"], worker.Command);
    }

    [Fact]
    public void Reads_compose_v2s_long_port_syntax_list_commands_and_list_environments()
    {
        var backend = ComposeConfig.Parse(V2Output).Single();

        Assert.Equal([new PublishedPort(20710, 8000)], backend.Ports);
        Assert.Equal(["sh", "-c", "alembic upgrade head && uvicorn app.main:app"], backend.Command);
        Assert.Equal(["/docker-entrypoint.sh"], backend.Entrypoint);
        Assert.Equal("abc=def", backend.Environment["SECRET_KEY"]);
        Assert.Equal("1000", backend.User);
        Assert.Equal("/app", backend.WorkingDirectory);
        Assert.Null(backend.Restart);
    }

    [Fact]
    public void Output_that_is_not_yaml_is_refused_without_quoting_it()
    {
        var exception = Assert.Throws<ComposeFileException>(() => ComposeConfig.Parse("services:\n  backend: [unclosed s3cret"));

        Assert.DoesNotContain("s3cret", exception.Message);
    }
}
