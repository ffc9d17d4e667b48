using Nexplane.Upgrade.Compose;

namespace Nexplane.Upgrade.Tests.Compose;

public sealed class DotEnvFileTests
{
    const string Text = "# Nexplane settings\nPOSTGRES_PASSWORD='s3cret value'\nexport IMAGE_TAG=0.2.0  # pinned\n\nEMPTY=\n";

    [Fact]
    public void Reads_quoted_exported_commented_and_empty_values()
    {
        var env = DotEnvFile.Parse(".env", Text);

        Assert.Equal("s3cret value", env["POSTGRES_PASSWORD"]);
        Assert.Equal("0.2.0", env["IMAGE_TAG"]);
        Assert.Equal("", env["EMPTY"]);
        Assert.Null(env["MISSING"]);
    }

    [Fact]
    public void Setting_a_variable_changes_only_its_value()
    {
        var env = DotEnvFile.Parse(".env", Text);

        env.Set("IMAGE_TAG", "0.3.0");
        env.Set("POSTGRES_PASSWORD", "other");

        Assert.Equal("# Nexplane settings\nPOSTGRES_PASSWORD='other'\nexport IMAGE_TAG=0.3.0  # pinned\n\nEMPTY=\n", env.ToText());
    }

    [Fact]
    public void Setting_an_absent_variable_appends_it_and_keeps_crlf_line_endings()
    {
        var env = DotEnvFile.Parse(".env", "A=1\r\nB=2\r\n");

        env.Set("NEXPLANE_VERSION", "0.3.0");

        Assert.Equal("A=1\r\nB=2\r\nNEXPLANE_VERSION=0.3.0\r\n", env.ToText());
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Saving_keeps_the_owner_only_permissions_of_a_secrets_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"env-{Guid.NewGuid():N}");
        File.WriteAllText(path, "IMAGE_TAG=0.2.0\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        try
        {
            var env = DotEnvFile.Load(path);
            env.Set("IMAGE_TAG", "0.3.0");
            env.Save();

            Assert.Equal("IMAGE_TAG=0.3.0\n", File.ReadAllText(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
