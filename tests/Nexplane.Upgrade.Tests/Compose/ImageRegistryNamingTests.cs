using Nexplane.Upgrade.Compose;

namespace Nexplane.Upgrade.Tests.Compose;

public sealed class ImageRegistryNamingTests
{
    [Theory]
    [InlineData("127.0.0.1:5000/youbetyourballs/nexplane-backend", "127.0.0.1:5000", "youbetyourballs/nexplane-backend")]
    [InlineData("ghcr.io/youbetyourballs/nexplane-backend", "ghcr.io", "youbetyourballs/nexplane-backend")]
    [InlineData("localhost/nexplane-backend", "localhost", "nexplane-backend")]
    [InlineData("youbetyourballs/nexplane-backend", "registry-1.docker.io", "youbetyourballs/nexplane-backend")]
    [InlineData("postgres", "registry-1.docker.io", "library/postgres")]
    public void The_registry_is_found_by_dockers_naming_rules(string repository, string registry, string path)
    {
        Assert.Equal((registry, path), RegistryClient.SplitRegistry(repository));
    }

    [Theory]
    [InlineData("postgres:16-alpine", "postgres", "16-alpine", null)]
    [InlineData("ghcr.io/youbetyourballs/nexplane-backend:v0.3.0", "ghcr.io/youbetyourballs/nexplane-backend", "v0.3.0", null)]
    [InlineData("redis@sha256:abc", "redis", null, "sha256:abc")]
    [InlineData("127.0.0.1:5000/a/b:1.0@sha256:def", "127.0.0.1:5000/a/b", "1.0", "sha256:def")]
    public void Image_references_split_into_repository_tag_and_digest(string text, string repository, string? tag, string? digest)
    {
        var reference = ImageReference.Parse(text);

        Assert.Equal(new ImageReference(repository, tag, digest), reference);
        Assert.Equal(text, reference.ToString());
    }
}
