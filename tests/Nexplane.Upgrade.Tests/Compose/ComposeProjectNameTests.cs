using Nexplane.Upgrade.Compose;

namespace Nexplane.Upgrade.Tests.Compose;

public sealed class ComposeProjectNameTests
{
    [Fact]
    public void An_explicit_name_wins() =>
        Assert.Equal("prod", ComposeProjectName.Resolve("prod", "/srv/nexplane/docker-compose.yml", new Dictionary<string, string> { ["COMPOSE_PROJECT_NAME"] = "x" }));

    [Fact]
    public void The_env_file_names_the_project_before_the_directory() =>
        Assert.Equal("nexplane-sandbox", ComposeProjectName.Resolve(null, "/srv/Nexplane/docker-compose.yml",
            new Dictionary<string, string> { ["COMPOSE_PROJECT_NAME"] = "nexplane-sandbox" }));

    [Fact]
    public void Otherwise_the_directory_name_normalised_like_compose() =>
        Assert.Equal("nexplane_prod-1x", ComposeProjectName.Resolve(null, "/srv/Nexplane_Prod-1.x/docker-compose.yml", new Dictionary<string, string>()));
}
