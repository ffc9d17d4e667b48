using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Tests.Operator;

namespace Nexplane.Upgrade.Tests.Compose;

/// <summary>Pinning changes only the tag, where the deployment keeps it, and leaves a copy that restores byte for byte.</summary>
public sealed class TagPinnerTests : IDisposable
{
    readonly string _directory = Directory.CreateTempSubdirectory("tag-pinner-").FullName;

    string ComposePath => Path.Combine(_directory, "docker-compose.yml");
    string EnvPath => Path.Combine(_directory, ".env");

    const string ImageLineCompose = """
        # Nexplane
        services:
          db:
            image: postgres:16-alpine   # never touched
          backend:
            # Release pin
            image: 127.0.0.1:5000/youbetyourballs/nexplane-backend:0.2.0
            restart: unless-stopped
          worker:
            image: "127.0.0.1:5000/youbetyourballs/nexplane-worker:0.2.0"
        """;

    const string EnvCompose = """
        services:
          backend:
            image: ghcr.io/youbetyourballs/nexplane-backend:${IMAGE_TAG}
          frontend:
            image: ghcr.io/youbetyourballs/nexplane-frontend:${IMAGE_TAG}
        """;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Image_lines_change_only_in_their_tag_and_the_copy_restores_the_original_bytes()
    {
        File.WriteAllText(ComposePath, ImageLineCompose);
        File.WriteAllText(EnvPath, "SECRET_KEY=x\n");

        var changed = new TagPinner(ComposePath, EnvPath, "run1", TestAdvice.Nuke).Pin([("backend", "0.3.0"), ("worker", "0.3.0")]);

        var file = Assert.Single(changed);
        Assert.Equal(ComposePath, file.Path);
        Assert.Equal(ImageLineCompose.Replace("backend:0.2.0", "backend:0.3.0").Replace("worker:0.2.0", "worker:0.3.0"), File.ReadAllText(ComposePath));
        Assert.Equal(ComposePath + ".pre-upgrade-run1", file.PreviousCopy);
        Assert.Equal(["backend 0.2.0 -> 0.3.0", "worker 0.2.0 -> 0.3.0"], file.Tags.Select(t => $"{t.Service} {t.Previous} -> {t.Pinned}"));
        Assert.Equal("SECRET_KEY=x\n", File.ReadAllText(EnvPath));

        file.Restore();
        Assert.Equal(ImageLineCompose, File.ReadAllText(ComposePath));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_tag_kept_in_env_is_pinned_in_env_and_the_compose_file_is_untouched()
    {
        File.WriteAllText(ComposePath, EnvCompose);
        File.WriteAllText(EnvPath, "# tags\nIMAGE_TAG=v0.2.0\nSECRET_KEY=abc # keep\n");
        File.SetUnixFileMode(EnvPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var file = Assert.Single(new TagPinner(ComposePath, EnvPath, "run2", TestAdvice.Nuke).Pin([("backend", "v0.3.0")]));

        Assert.Equal(EnvPath, file.Path);
        Assert.Equal("# tags\nIMAGE_TAG=v0.3.0\nSECRET_KEY=abc # keep\n", File.ReadAllText(EnvPath));
        Assert.Equal(EnvCompose, File.ReadAllText(ComposePath));
        Assert.Equal("IMAGE_TAG in .env", Assert.Single(file.Tags).Location);
        // The copy holds secrets too: it must stay as private as the .env itself.
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file.PreviousCopy));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(EnvPath));
    }

    [Fact]
    public void A_second_pin_in_the_same_upgrade_keeps_the_pre_upgrade_copy()
    {
        File.WriteAllText(ComposePath, ImageLineCompose.Replace("  worker:", "  frontend:\n    image: nexplane-frontend:0.2.0\n  worker:"));
        File.WriteAllText(EnvPath, "");
        var original = File.ReadAllText(ComposePath);
        var pinner = new TagPinner(ComposePath, EnvPath, "run3", TestAdvice.Nuke);

        pinner.Pin([("backend", "0.3.0")]);
        var second = Assert.Single(pinner.Pin([("frontend", "0.3.0")]));

        Assert.Equal(original, File.ReadAllText(second.PreviousCopy));
        second.Restore();
        Assert.Equal(original, File.ReadAllText(ComposePath));
    }

    [Fact]
    public void Pinning_an_already_pinned_tag_changes_nothing()
    {
        File.WriteAllText(ComposePath, ImageLineCompose);
        File.WriteAllText(EnvPath, "");

        Assert.Empty(new TagPinner(ComposePath, EnvPath, "run4", TestAdvice.Nuke).Pin([("backend", "0.2.0")]));
        Assert.False(File.Exists(ComposePath + ".pre-upgrade-run4"));
    }

    [Fact]
    public void An_exported_variable_that_overrides_env_is_reported_instead_of_starting_the_old_version()
    {
        File.WriteAllText(ComposePath, EnvCompose.Replace("IMAGE_TAG", "NEXPLANE_TEST_PIN_TAG"));
        File.WriteAllText(EnvPath, "NEXPLANE_TEST_PIN_TAG=0.2.0\n");
        Environment.SetEnvironmentVariable("NEXPLANE_TEST_PIN_TAG", "0.2.0");
        try
        {
            var exception = Assert.Throws<ComposeFileException>(() => new TagPinner(ComposePath, EnvPath, "run5", TestAdvice.Nuke).Pin([("backend", "0.3.0")]));
            Assert.Contains("NEXPLANE_TEST_PIN_TAG=0.2.0", exception.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable("NEXPLANE_TEST_PIN_TAG", null);
        }
    }

    [Fact]
    public void Restore_refuses_a_copy_that_was_modified()
    {
        File.WriteAllText(ComposePath, ImageLineCompose);
        File.WriteAllText(EnvPath, "");
        var file = Assert.Single(new TagPinner(ComposePath, EnvPath, "run6", TestAdvice.Nuke).Pin([("backend", "0.3.0")]));
        File.AppendAllText(file.PreviousCopy, "# edited\n");

        Assert.Throws<ComposeFileException>(file.Restore);
    }
}
