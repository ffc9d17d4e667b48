using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Tests.Operator;

namespace Nexplane.Upgrade.Tests.Compose;

/// <summary>The dry run's view of a pin: the exact lines that would change, and not a byte written.</summary>
public sealed class TagPinPreviewTests : IDisposable
{
    readonly string _directory = Directory.CreateTempSubdirectory("tag-preview-").FullName;

    string ComposePath => Path.Combine(_directory, "docker-compose.yml");
    string EnvPath => Path.Combine(_directory, ".env");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    TagPinner Pinner => new(ComposePath, EnvPath, "u1", TestAdvice.Nuke);

    [Fact]
    public void Image_lines_are_previewed_with_their_numbers_and_nothing_is_written()
    {
        const string compose = "services:\n  db:\n    image: postgres:16-alpine\n  backend:\n    image: reg/nexplane-backend:0.2.0\n  worker:\n    image: reg/nexplane-worker:0.2.0\n";
        File.WriteAllText(ComposePath, compose);
        File.WriteAllText(EnvPath, "SECRET_KEY=x\n");

        var change = Assert.Single(Pinner.Preview([("backend", "0.3.0"), ("worker", "0.3.0")]));

        Assert.Equal(ComposePath, change.Path);
        Assert.Equal([
            new LineChange(5, "    image: reg/nexplane-backend:0.2.0", "    image: reg/nexplane-backend:0.3.0"),
            new LineChange(7, "    image: reg/nexplane-worker:0.2.0", "    image: reg/nexplane-worker:0.3.0"),
        ], change.Lines);
        Assert.Equal(["backend", "worker"], change.Tags.Select(t => t.Service));
        Assert.Equal(compose, File.ReadAllText(ComposePath));
        Assert.Equal(["docker-compose.yml", ".env"], Directory.GetFiles(_directory).Select(Path.GetFileName).Order().Reverse());
    }

    [Fact]
    public void A_tag_kept_in_env_is_previewed_as_its_env_line()
    {
        File.WriteAllText(ComposePath, "services:\n  backend:\n    image: ghcr.io/y/nexplane-backend:${IMAGE_TAG}\n");
        File.WriteAllText(EnvPath, "POSTGRES_PASSWORD=pw\nIMAGE_TAG=v0.2.0\n");

        var change = Assert.Single(Pinner.Preview([("backend", "v0.3.0")]));

        Assert.Equal(EnvPath, change.Path);
        Assert.Equal([new LineChange(2, "IMAGE_TAG=v0.2.0", "IMAGE_TAG=v0.3.0")], change.Lines);
        Assert.Equal("POSTGRES_PASSWORD=pw\nIMAGE_TAG=v0.2.0\n", File.ReadAllText(EnvPath));
    }

    [Fact]
    public void Pinning_after_a_preview_writes_exactly_the_previewed_lines()
    {
        File.WriteAllText(ComposePath, "services:\n  backend:\n    image: reg/nexplane-backend:0.2.0 # pinned\n");
        File.WriteAllText(EnvPath, "");
        var before = File.ReadAllText(ComposePath);

        var previewed = Assert.Single(Pinner.Preview([("backend", "0.3.0")]));
        Pinner.Pin([("backend", "0.3.0")]);

        Assert.Equal(previewed.Lines, LineChange.Between(before, File.ReadAllText(ComposePath)));
    }

    [Fact]
    public void An_already_pinned_tag_previews_no_change()
    {
        File.WriteAllText(ComposePath, "services:\n  backend:\n    image: reg/nexplane-backend:0.3.0\n");
        File.WriteAllText(EnvPath, "");

        Assert.Empty(Pinner.Preview([("backend", "0.3.0")]));
    }

    [Fact]
    public void A_line_added_at_the_end_has_no_before() =>
        Assert.Equal([new LineChange(2, null, "IMAGE_TAG=0.3.0")], LineChange.Between("A=1\n", "A=1\nIMAGE_TAG=0.3.0\n"));

    [Fact]
    public void A_later_pin_of_a_shared_env_variable_adds_no_line_of_its_own()
    {
        File.WriteAllText(ComposePath, "services:\n  backend:\n    image: g/nexplane-backend:${IMAGE_TAG}\n  frontend:\n    image: g/nexplane-frontend:${IMAGE_TAG}\n");
        File.WriteAllText(EnvPath, "IMAGE_TAG=v0.2.0\n");

        var backend = Pinner.Preview([("backend", "v0.3.0")]);
        var frontend = PlannedFileChanges.Remaining(Pinner.Preview([("backend", "v0.3.0"), ("frontend", "v0.3.0")]), backend);

        Assert.Equal([new LineChange(1, "IMAGE_TAG=v0.2.0", "IMAGE_TAG=v0.3.0")], Assert.Single(backend).Lines);
        Assert.Empty(frontend);
    }

    [Fact]
    public void A_later_pin_of_its_own_image_line_keeps_that_line()
    {
        File.WriteAllText(ComposePath, "services:\n  backend:\n    image: r/nexplane-backend:0.2.0\n  frontend:\n    image: r/nexplane-frontend:0.2.0\n");
        File.WriteAllText(EnvPath, "");

        var backend = Pinner.Preview([("backend", "0.3.0")]);
        var frontend = PlannedFileChanges.Remaining(Pinner.Preview([("backend", "0.3.0"), ("frontend", "0.3.0")]), backend);

        Assert.Equal([new LineChange(5, "    image: r/nexplane-frontend:0.2.0", "    image: r/nexplane-frontend:0.3.0")], Assert.Single(frontend).Lines);
    }
}
