using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Processes;
using Nexplane.Upgrade.Tests.Operator;
using Nexplane.Upgrade.Tests.Processes;

namespace Nexplane.Upgrade.Tests.Compose;

/// <summary>
/// The project is the one compose v2 names when it can be asked, else resolved in compose's own order; either way it
/// says where its name came from.
/// </summary>
public sealed class ComposeProjectNameTests
{
    const string ComposePath = "/srv/Nexplane_Prod-1.x/docker-compose.yml";

    static ComposeDocument Compose(string topLevel = "") =>
        ComposeDocument.Parse(ComposePath, topLevel + "services:\n  backend:\n    image: nexplane-backend:0.2.0\n");

    static DotEnvFile Env(string text = "") => DotEnvFile.Parse("/srv/Nexplane_Prod-1.x/.env", text);

    [Fact]
    public void An_explicit_name_wins_and_keeps_its_source()
    {
        var resolved = ComposeProjectName.Resolve("prod", "--compose-project on the command line", Compose("name: other\n"), Env("COMPOSE_PROJECT_NAME=x\n"), composeV2Name: null);

        Assert.Equal(new ComposeProjectName("prod", "--compose-project on the command line"), resolved);
    }

    [Fact]
    public void The_env_file_names_the_project_before_the_top_level_name()
    {
        var resolved = ComposeProjectName.Resolve(null, "unused", Compose("name: other\n"), Env("COMPOSE_PROJECT_NAME=nexplane-prod\n"), composeV2Name: null);

        Assert.Equal("nexplane-prod", resolved.Name);
        Assert.Equal("COMPOSE_PROJECT_NAME in /srv/Nexplane_Prod-1.x/.env", resolved.Source);
    }

    [Fact]
    public void The_top_level_name_names_the_project_before_the_directory()
    {
        var resolved = ComposeProjectName.Resolve(null, "unused", Compose("name: nexplane\n"), Env(), composeV2Name: null);

        Assert.Equal(new ComposeProjectName("nexplane", $"name: in {ComposePath}"), resolved);
    }

    [Fact]
    public void Otherwise_the_directory_name_normalised_like_compose()
    {
        var resolved = ComposeProjectName.Resolve(null, "unused", Compose(), Env(), composeV2Name: null);

        Assert.Equal("nexplane_prod-1x", resolved.Name);
        Assert.Equal("the name of /srv/Nexplane_Prod-1.x", resolved.Source);
    }

    [Fact]
    public void Compose_v2s_own_name_is_the_project_and_agreeing_with_the_order_keeps_its_source()
    {
        var agreed = ComposeProjectName.Resolve(null, "unused", Compose("name: nexplane\n"), Env(), composeV2Name: "nexplane");
        Assert.Equal(new ComposeProjectName("nexplane", $"name: in {ComposePath}, as compose v2 resolves it"), agreed);

        var differs = ComposeProjectName.Resolve(null, "unused", Compose(), Env(), composeV2Name: "nexplane_prod-1.x");
        Assert.Equal("nexplane_prod-1.x", differs.Name);
        Assert.Equal("compose v2's own resolution (docker compose config; by compose's documented order it would be nexplane_prod-1x, " +
                     "from the name of /srv/Nexplane_Prod-1.x)", differs.Source);
    }

    [Fact]
    public void An_explicit_name_is_not_second_guessed_by_compose_v2()
    {
        var resolved = ComposeProjectName.Resolve("prod", "--compose-project on the command line", Compose(), Env(), composeV2Name: "other");

        Assert.Equal(new ComposeProjectName("prod", "--compose-project on the command line"), resolved);
    }

    [Fact]
    public async Task Compose_v2_is_asked_for_its_model_without_interpolation_and_its_name_read()
    {
        var commands = new RecordingCommandRunner(_ => new CommandAnswer(0, "{\n  \"name\": \"nexplane-prod\",\n  \"services\": {}\n}"));
        var composeV2 = new ComposeCli(ComposeVariant.V2, ComposePath, null, "/srv/Nexplane_Prod-1.x/.env", new ProtectedServiceGuard([], TestAdvice.Nuke));

        Assert.Equal("nexplane-prod", await ComposeProjectName.AskComposeV2Async(commands, composeV2, CancellationToken.None));
        Assert.Equal(["docker compose --file /srv/Nexplane_Prod-1.x/docker-compose.yml --env-file /srv/Nexplane_Prod-1.x/.env config --no-interpolate --format json"],
            commands.Commands.Select(c => c.ToString()));
    }

    [Fact]
    public async Task Without_compose_v2_or_with_a_file_it_refuses_nobody_is_asked_and_the_order_stands()
    {
        var composeV2 = new ComposeCli(ComposeVariant.V2, ComposePath, null, null, new ProtectedServiceGuard([], TestAdvice.Nuke));
        var missing = new RecordingCommandRunner(command => throw new CommandNotStartedException(command, new System.ComponentModel.Win32Exception("No such file or directory")));
        var refuses = new RecordingCommandRunner(_ => new CommandAnswer(1));

        Assert.Null(await ComposeProjectName.AskComposeV2Async(missing, composeV2, CancellationToken.None));
        Assert.Null(await ComposeProjectName.AskComposeV2Async(refuses, composeV2, CancellationToken.None));
    }
}
