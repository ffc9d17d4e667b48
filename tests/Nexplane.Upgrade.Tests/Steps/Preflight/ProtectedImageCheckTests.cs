using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Steps.Preflight;

namespace Nexplane.Upgrade.Tests.Steps.Preflight;

public sealed class ProtectedImageCheckTests
{
    static string? Compare(string composeImage, string runningImage) =>
        ProtectedImageCheck.Compare("db", ImageReference.Parse(composeImage), ImageReference.Parse(runningImage));

    [Theory]
    [InlineData("postgres:16-alpine", "postgres:16-alpine")]
    [InlineData("postgres:16.4-alpine", "postgres:16-alpine")]
    [InlineData("docker.io/library/postgres:16", "postgres:16-alpine")]
    [InlineData("redis:latest", "redis:7")]
    public void The_same_repository_and_major_passes(string composeImage, string runningImage)
    {
        Assert.Null(Compare(composeImage, runningImage));
    }

    [Fact]
    public void A_major_version_change_of_the_database_is_refused()
    {
        var problem = Compare("postgres:17-alpine", "postgres:16-alpine");

        Assert.NotNull(problem);
        Assert.Contains("major version change of db", problem);
    }

    [Fact]
    public void Another_image_for_a_protected_service_is_refused()
    {
        Assert.Contains("a different image", Compare("mysql:8", "postgres:16-alpine"));
    }

    [Theory]
    [InlineData("16-alpine", 16)]
    [InlineData("v7.2", 7)]
    [InlineData("latest", null)]
    [InlineData(null, null)]
    public void The_major_version_is_the_leading_number_of_the_tag(string? tag, int? major)
    {
        Assert.Equal(major, ProtectedImageCheck.MajorOf(tag));
    }
}
