using Nexplane.Upgrade.Compose;

namespace Nexplane.Upgrade.Tests.Compose;

/// <summary>Preflight checks the deployment itself: variables the compose file needs that nobody sets.</summary>
public sealed class ComposeVariablesTests
{
    const string Compose = """
        services:
          db:
            image: postgres:16-alpine
            environment:
              POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set it in .env}
            healthcheck:
              test: ["CMD-SHELL", "pg_isready -U $${POSTGRES_USER}"]
          backend:
            # ${COMMENTED_OUT} is only a comment
            image: ghcr.io/youbetyourballs/nexplane-backend:${IMAGE_TAG}
            environment:
              DATABASE_URL: postgresql://nexplane:${POSTGRES_PASSWORD}@db:5432/nexplane
              SECRET_KEY: $SECRET_KEY
              NEXPLANE_ENCRYPTION_KEY: ${NEXPLANE_ENCRYPTION_KEY}
              LOG_LEVEL: ${LOG_LEVEL:-info}
              OPTIONAL: ${OPTIONAL-}
          frontend:
            image: ghcr.io/youbetyourballs/nexplane-frontend:${IMAGE_TAG}
        """;

    static readonly Dictionary<string, string> EnvFile = new()
    {
        ["POSTGRES_PASSWORD"] = "secret",
        ["IMAGE_TAG"] = "v0.3.0",
        ["SECRET_KEY"] = "k",
    };

    static string? NoEnvironment(string name) => null;

    [Fact]
    public void Variables_without_a_default_are_found_with_the_services_that_use_them()
    {
        var found = ComposeVariables.WithoutDefault(Compose);

        Assert.Equal(["POSTGRES_PASSWORD", "IMAGE_TAG", "SECRET_KEY", "NEXPLANE_ENCRYPTION_KEY"], found.Select(v => v.Name));
        Assert.Equal(["db", "backend"], found.Single(v => v.Name == "POSTGRES_PASSWORD").Services);
        Assert.Equal(["backend", "frontend"], found.Single(v => v.Name == "IMAGE_TAG").Services);
        Assert.True(found.Single(v => v.Name == "POSTGRES_PASSWORD").ErrorIfUnset);
        Assert.False(found.Single(v => v.Name == "SECRET_KEY").ErrorIfUnset);
    }

    [Fact]
    public void Defaults_escapes_and_comments_are_not_required_variables()
    {
        var names = ComposeVariables.WithoutDefault(Compose).Select(v => v.Name).ToArray();

        Assert.DoesNotContain("LOG_LEVEL", names);
        Assert.DoesNotContain("OPTIONAL", names);
        Assert.DoesNotContain("POSTGRES_USER", names);
        Assert.DoesNotContain("COMMENTED_OUT", names);
    }

    [Fact]
    public void A_variable_neither_the_env_file_nor_the_environment_sets_is_missing()
    {
        var missing = ComposeVariables.Missing(Compose, EnvFile, NoEnvironment);

        var variable = Assert.Single(missing);
        Assert.Equal("NEXPLANE_ENCRYPTION_KEY", variable.Name);
        Assert.Equal(["backend"], variable.Services);
    }

    [Fact]
    public void The_environment_counts_as_well_as_the_env_file()
    {
        var missing = ComposeVariables.Missing(Compose, EnvFile, name => name == "NEXPLANE_ENCRYPTION_KEY" ? "from-ci" : null);

        Assert.Empty(missing);
    }

    [Fact]
    public void An_empty_value_satisfies_a_plain_reference_but_not_a_question_mark_one()
    {
        var env = new Dictionary<string, string>(EnvFile) { ["POSTGRES_PASSWORD"] = "", ["NEXPLANE_ENCRYPTION_KEY"] = "" };

        var missing = ComposeVariables.Missing(Compose, env, NoEnvironment);

        Assert.Equal(["POSTGRES_PASSWORD"], missing.Select(v => v.Name));
    }
}
