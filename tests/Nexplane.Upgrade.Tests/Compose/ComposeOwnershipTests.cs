using Nexplane.Upgrade.Compose;

namespace Nexplane.Upgrade.Tests.Compose;

/// <summary>One deployment, never two: a container of the same project from another compose file is refused.</summary>
public sealed class ComposeOwnershipTests
{
    const string Ours = "/srv/nexplane/docker-compose.yml";

    static Dictionary<string, string> Labels(string workingDirectory, string configFiles) => new()
    {
        [ComposeOwnership.WorkingDirectoryLabel] = workingDirectory,
        [ComposeOwnership.ConfigFilesLabel] = configFiles,
    };

    [Fact]
    public void A_container_created_from_this_compose_file_by_compose_v1_is_ours() =>
        Assert.Null(ComposeOwnership.Problem("nexplane_backend_1", "nexplane", Labels("/srv/nexplane", "docker-compose.yml"), Ours));

    [Fact]
    public void A_container_created_by_compose_v2_with_absolute_and_several_files_is_ours() =>
        Assert.Null(ComposeOwnership.Problem("nexplane-backend-1", "nexplane",
            Labels("/srv/nexplane", "/srv/nexplane/docker-compose.yml,/srv/nexplane/docker-compose.override.yml"), Ours));

    [Fact]
    public void A_container_of_the_same_project_from_another_directory_is_refused_naming_both()
    {
        var problem = ComposeOwnership.Problem("nexplane_backend_1", "nexplane", Labels("/work/sandbox", "docker-compose.yml"), Ours);

        Assert.NotNull(problem);
        Assert.Contains("/work/sandbox/docker-compose.yml", problem);
        Assert.Contains(Ours, problem);
        Assert.Contains("'nexplane'", problem);
    }

    [Fact]
    public void Another_file_in_the_same_directory_is_another_deployment() =>
        Assert.NotNull(ComposeOwnership.Problem("x", "nexplane", Labels("/srv/nexplane", "docker-compose.staging.yml"), Ours));

    [Fact]
    public void A_container_without_compose_labels_cannot_tell_and_is_accepted() =>
        Assert.Null(ComposeOwnership.Problem("x", "nexplane", new Dictionary<string, string>(), Ours));
}
