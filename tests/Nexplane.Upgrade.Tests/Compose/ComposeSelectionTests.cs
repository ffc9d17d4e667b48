using Nexplane.Upgrade.Compose;

namespace Nexplane.Upgrade.Tests.Compose;

/// <summary>
/// Which compose CLI a run uses: v2 by default; v1 for a deployment whose containers v1 created while v1 is installed
/// (v2 would rename the containers it recreates); whatever --compose-command names, refused when it does not work.
/// Only the CLIs whose answer matters are probed, since v1's start-up costs most of a second.
/// </summary>
public class ComposeSelectionTests
{
    const string Flag = "--compose-command";

    sealed class Machine(bool v2, bool v1)
    {
        public List<ComposeVariant> Asked { get; } = [];

        public Task<bool> Works(ComposeVariant variant)
        {
            Asked.Add(variant);
            return Task.FromResult(variant == ComposeVariant.V2 ? v2 : v1);
        }
    }

    static async Task<(ComposeChoice Choice, Machine Machine)> Choose(ComposeCommand requested, string? createdBy, bool v2, bool v1)
    {
        var machine = new Machine(v2, v1);
        return (await ComposeSelection.ChooseAsync(requested, createdBy, machine.Works, Flag), machine);
    }

    [Theory]
    [InlineData("2.26.1")]
    [InlineData(null)]
    public async Task Compose_v2_is_the_default_and_v1_is_not_even_asked(string? createdBy)
    {
        var (choice, machine) = await Choose(ComposeCommand.Auto, createdBy, v2: true, v1: true);

        Assert.Equal(new ComposeChoice(ComposeVariant.V2, "docker compose (v2)"), choice);
        Assert.Equal([ComposeVariant.V2], machine.Asked);
    }

    [Fact]
    public async Task A_deployment_whose_containers_v1_created_keeps_v1_so_its_container_names_stay()
    {
        var (choice, machine) = await Choose(ComposeCommand.Auto, "1.29.2", v2: true, v1: true);

        Assert.Equal(ComposeVariant.V1, choice.Variant);
        Assert.Equal("docker-compose (v1): compose 1.29.2 created this deployment's containers, and keeping it keeps their names " +
                     "(project_service_1); --compose-command V2 moves the deployment to compose v2", choice.Reason);
        Assert.Equal([ComposeVariant.V1], machine.Asked);
    }

    [Fact]
    public async Task A_v1_deployment_on_a_machine_without_v1_moves_to_v2_and_says_the_names_change()
    {
        var (choice, _) = await Choose(ComposeCommand.Auto, "1.29.2", v2: true, v1: false);

        Assert.Equal(ComposeVariant.V2, choice.Variant);
        Assert.Equal("docker compose (v2): compose 1.29.2 created this deployment's containers but is not installed; " +
                     "v2 names the containers it recreates project-service-1", choice.Reason);
    }

    [Fact]
    public async Task Without_v2_v1_is_used_and_a_v2_deployment_is_told_its_names_change()
    {
        Assert.Equal(new ComposeChoice(ComposeVariant.V1, "docker-compose (v1), the only compose installed"),
            (await Choose(ComposeCommand.Auto, null, v2: false, v1: true)).Choice);
        Assert.Equal(new ComposeChoice(ComposeVariant.V1, "docker-compose (v1), the only compose installed, although compose 2.26.1 " +
                                                          "created this deployment's containers; v1 names the containers it recreates project_service_1"),
            (await Choose(ComposeCommand.Auto, "2.26.1", v2: false, v1: true)).Choice);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("1.29.2")]
    public async Task With_neither_cli_it_says_what_to_install(string? createdBy)
    {
        var refused = await Assert.ThrowsAsync<ComposeFileException>(() => Choose(ComposeCommand.Auto, createdBy, v2: false, v1: false));

        Assert.Equal("Neither 'docker compose' (v2) nor 'docker-compose' (v1) works on this machine; install one of them.", refused.Message);
    }

    [Fact]
    public async Task The_operators_choice_wins_over_the_deployments_and_only_it_is_asked()
    {
        var (v2, asked) = await Choose(ComposeCommand.V2, "1.29.2", v2: true, v1: true);
        Assert.Equal(new ComposeChoice(ComposeVariant.V2, "docker compose (v2), as --compose-command asks"), v2);
        Assert.Equal([ComposeVariant.V2], asked.Asked);

        var (v1, _) = await Choose(ComposeCommand.V1, "2.26.1", v2: true, v1: true);
        Assert.Equal(new ComposeChoice(ComposeVariant.V1, "docker-compose (v1), as --compose-command asks"), v1);
    }

    [Fact]
    public async Task The_operators_choice_that_does_not_work_here_is_refused_not_replaced()
    {
        var v2 = await Assert.ThrowsAsync<ComposeFileException>(() => Choose(ComposeCommand.V2, null, v2: false, v1: true));
        Assert.Equal("--compose-command V2 asks for 'docker compose' (v2), which does not work on this machine; " +
                     "install the compose v2 plugin or pass --compose-command Auto.", v2.Message);

        var v1 = await Assert.ThrowsAsync<ComposeFileException>(() => Choose(ComposeCommand.V1, null, v2: true, v1: false));
        Assert.Equal("--compose-command V1 asks for 'docker-compose' (v1), which does not work on this machine; " +
                     "install it or pass --compose-command Auto.", v1.Message);
    }
}
