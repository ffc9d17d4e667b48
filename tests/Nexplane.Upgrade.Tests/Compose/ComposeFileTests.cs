using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Tests.Operator;

namespace Nexplane.Upgrade.Tests.Compose;

public sealed class ComposeFileTests
{
    const string LiteralTags = """
        # Nexplane production deployment
        name: nexplane
        services:
          db:
            image: postgres:16-alpine   # never upgraded by this tool
            restart: unless-stopped
          backend:
            # pinned by the upgrade tool
            image: 127.0.0.1:5000/youbetyourballs/nexplane-backend:0.2.0
            restart: unless-stopped
            environment:
              SECRET_KEY: ${SECRET_KEY}
              LOG_LEVEL: info
          worker:
            image: "127.0.0.1:5000/youbetyourballs/nexplane-worker:0.2.0"
            env_file: .env
          frontend:
            image: 'ghcr.io/youbetyourballs/nexplane-frontend:v0.2.0'
          nginx:
            build: ./nginx
        """;

    static ComposeDocument Parse(string text) => ComposeDocument.Parse("/deploy/docker-compose.yml", text);

    [Fact]
    public void Finds_services_images_environment_and_build_only_services()
    {
        var compose = Parse(LiteralTags);

        Assert.Equal(["db", "backend", "worker", "frontend", "nginx"], compose.Services.Select(s => s.Name));
        Assert.Equal("127.0.0.1:5000/youbetyourballs/nexplane-backend:0.2.0", compose.Find("backend")!.Image);
        Assert.Equal("info", compose.Find("backend")!.Environment["LOG_LEVEL"]);
        Assert.True(compose.Find("nginx")!.IsBuildOnly);
        Assert.Null(compose.Find("redis"));
    }

    [Fact]
    public void Pinning_a_tag_changes_only_that_image_value_and_keeps_comments_quotes_and_layout()
    {
        var compose = Parse(LiteralTags)
            .WithImageTag("backend", "0.3.0")
            .WithImageTag("worker", "0.3.0")
            .WithImageTag("frontend", "v0.3.0");

        var expected = LiteralTags
            .Replace("nexplane-backend:0.2.0", "nexplane-backend:0.3.0")
            .Replace("\"127.0.0.1:5000/youbetyourballs/nexplane-worker:0.2.0\"", "\"127.0.0.1:5000/youbetyourballs/nexplane-worker:0.3.0\"")
            .Replace("'ghcr.io/youbetyourballs/nexplane-frontend:v0.2.0'", "'ghcr.io/youbetyourballs/nexplane-frontend:v0.3.0'");
        Assert.Equal(expected, compose.Text);
    }

    [Fact]
    public void A_registry_port_is_not_mistaken_for_a_tag()
    {
        var reference = ImageReference.Parse("127.0.0.1:5000/youbetyourballs/nexplane-backend");

        Assert.Equal("127.0.0.1:5000/youbetyourballs/nexplane-backend", reference.Repository);
        Assert.Null(reference.Tag);
        Assert.Equal("127.0.0.1:5000/youbetyourballs/nexplane-backend:0.3.0", reference.WithTag("0.3.0").ToString());
    }

    [Theory]
    [InlineData("ghcr.io/youbetyourballs/nexplane-backend:${IMAGE_TAG}", "IMAGE_TAG")]
    [InlineData("youbetyourballs/nexplane-backend:${NEXPLANE_VERSION:-0.2.0}", "NEXPLANE_VERSION")]
    [InlineData("${REGISTRY:-ghcr.io}/youbetyourballs/nexplane-backend:$TAG", "TAG")]
    public void An_interpolated_tag_is_pinned_through_its_env_variable(string image, string variable)
    {
        var compose = Parse($"services:\n  backend:\n    image: {image}\n");

        Assert.Equal(new TagLocation.EnvVariable("backend", variable), compose.LocateTag("backend"));
    }

    [Fact]
    public void A_literal_tag_behind_an_interpolated_registry_stays_on_the_image_line()
    {
        var compose = Parse("services:\n  backend:\n    image: ${REGISTRY:-ghcr.io}/nexplane-backend:0.2.0\n");

        Assert.Equal(new TagLocation.ImageLine("backend"), compose.LocateTag("backend"));
    }

    [Fact]
    public void Images_resolve_their_variables_from_the_env_file_then_defaults()
    {
        var compose = Parse("services:\n  backend:\n    image: youbetyourballs/nexplane-backend:${NEXPLANE_VERSION:-0.2.0}\n");

        Assert.Equal("0.2.0", compose.ResolveImage("backend", new Dictionary<string, string>()).Tag);
        Assert.Equal("0.3.0", compose.ResolveImage("backend", new Dictionary<string, string> { ["NEXPLANE_VERSION"] = "0.3.0" }).Tag);
    }

    [Fact]
    public void A_build_only_service_is_refused_with_an_explanation()
    {
        var exception = Assert.Throws<ComposeFileException>(() => Parse(LiteralTags).LocateTag("nginx"));

        Assert.Contains("built from source", exception.Message);
    }

    [Fact]
    public void Invalid_yaml_and_a_missing_file_give_clear_errors()
    {
        Assert.Contains("not valid YAML", Assert.Throws<ComposeFileException>(() => Parse("services:\n  a: [\n")).Message);
        Assert.Contains("does not exist", Assert.Throws<ComposeFileException>(() => ComposeDocument.Load("/nonexistent/compose.yml", TestAdvice.Nuke)).Message);
        Assert.Contains("no 'services:'", Assert.Throws<ComposeFileException>(() => Parse("version: '3'\n")).Message);
    }
}
