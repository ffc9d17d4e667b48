using Nexplane.Upgrade.Compose;

namespace Nexplane.Upgrade.Tests.Compose;

/// <summary>The project is resolved in compose's own order, and says where its name came from.</summary>
public sealed class ComposeProjectNameTests
{
    const string ComposePath = "/srv/Nexplane_Prod-1.x/docker-compose.yml";

    static ComposeDocument Compose(string topLevel = "") =>
        ComposeDocument.Parse(ComposePath, topLevel + "services:\n  backend:\n    image: nexplane-backend:0.2.0\n");

    static DotEnvFile Env(string text = "") => DotEnvFile.Parse("/srv/Nexplane_Prod-1.x/.env", text);

    [Fact]
    public void An_explicit_name_wins_and_keeps_its_source()
    {
        var resolved = ComposeProjectName.Resolve("prod", "--compose-project on the command line", Compose("name: other\n"), Env("COMPOSE_PROJECT_NAME=x\n"));

        Assert.Equal(new ComposeProjectName("prod", "--compose-project on the command line"), resolved);
    }

    [Fact]
    public void The_env_file_names_the_project_before_the_top_level_name()
    {
        var resolved = ComposeProjectName.Resolve(null, "unused", Compose("name: other\n"), Env("COMPOSE_PROJECT_NAME=nexplane-prod\n"));

        Assert.Equal("nexplane-prod", resolved.Name);
        Assert.Equal("COMPOSE_PROJECT_NAME in /srv/Nexplane_Prod-1.x/.env", resolved.Source);
    }

    [Fact]
    public void The_top_level_name_names_the_project_before_the_directory()
    {
        var resolved = ComposeProjectName.Resolve(null, "unused", Compose("name: nexplane\n"), Env());

        Assert.Equal(new ComposeProjectName("nexplane", $"name: in {ComposePath}"), resolved);
    }

    [Fact]
    public void Otherwise_the_directory_name_normalised_like_compose()
    {
        var resolved = ComposeProjectName.Resolve(null, "unused", Compose(), Env());

        Assert.Equal("nexplane_prod-1x", resolved.Name);
        Assert.Equal("the name of /srv/Nexplane_Prod-1.x", resolved.Source);
    }
}
