using System.Text;
using Nexplane.Upgrade.Compose;

namespace Nexplane.Upgrade.Tests.Compose;

/// <summary>The logins `docker login` stored, read as the docker CLI reads them.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class RegistryCredentialsTests : IDisposable
{
    readonly string _directory = Directory.CreateTempSubdirectory("docker-config-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    RegistryCredentials Config(string json)
    {
        var path = Path.Combine(_directory, "config.json");
        File.WriteAllText(path, json);
        return new RegistryCredentials(path);
    }

    static string Auth(string userAndPassword) => Convert.ToBase64String(Encoding.UTF8.GetBytes(userAndPassword));

    [Fact]
    public async Task An_auths_entry_gives_the_login_for_its_registry_and_docker_hub_is_found_under_its_index_address()
    {
        var credentials = Config($$"""
            { "auths": {
                "registry.example.com:5000": { "auth": "{{Auth("deploy:pa:ss")}}" },
                "https://index.docker.io/v1/": { "auth": "{{Auth("hubuser:hubsecret")}}" } } }
            """);

        Assert.Equal(new RegistryLogin("deploy", "pa:ss"), await credentials.FindAsync("registry.example.com:5000", CancellationToken.None));
        Assert.Equal(new RegistryLogin("hubuser", "hubsecret"), await credentials.FindAsync("registry-1.docker.io", CancellationToken.None));
        Assert.Null(await credentials.FindAsync("ghcr.io", CancellationToken.None));
    }

    [Fact]
    public async Task No_config_file_means_anonymous_access()
    {
        var credentials = new RegistryCredentials(Path.Combine(_directory, "missing", "config.json"));

        Assert.Null(await credentials.FindAsync("ghcr.io", CancellationToken.None));
    }

    [Fact]
    public async Task A_damaged_entry_is_a_clear_error_that_does_not_show_the_entry()
    {
        var credentials = Config("""{ "auths": { "ghcr.io": { "auth": "bm90LWEtbG9naW4=" } } }"""); // "not-a-login": no colon

        var refused = await Assert.ThrowsAsync<RegistryException>(() => credentials.FindAsync("ghcr.io", CancellationToken.None));

        Assert.Contains("damaged login for ghcr.io; run docker login ghcr.io again", refused.Message);
        Assert.DoesNotContain("not-a-login", refused.Message);
    }

    [Fact]
    public async Task A_credential_helper_is_asked_through_stdin_and_one_without_the_registry_means_anonymous()
    {
        // A helper as docker-credential-* helpers behave: registry on stdin, JSON on stdout, "credentials not found" and exit 1 otherwise.
        var bin = Directory.CreateDirectory(Path.Combine(_directory, "bin")).FullName;
        var helper = Path.Combine(bin, "docker-credential-nexplanetest");
        File.WriteAllText(helper, """
            #!/bin/sh
            [ "$1" = get ] || exit 2
            read -r registry
            case "$registry" in
              ghcr.io) printf '{"ServerURL":"ghcr.io","Username":"bot","Secret":"s3cret"}\n' ;;
              *) echo "credentials not found in native keychain"; exit 1 ;;
            esac
            """);
        File.SetUnixFileMode(helper, (UnixFileMode)0b111_101_101);
        Environment.SetEnvironmentVariable("PATH", $"{bin}:{Environment.GetEnvironmentVariable("PATH")}");
        var credentials = Config($$"""
            { "auths": { "ghcr.io": {}, "registry.example.com": { "auth": "{{Auth("a:b")}}" } },
              "credHelpers": { "ghcr.io": "nexplanetest" }, "credsStore": "nexplanetest" }
            """);

        var login = await credentials.FindAsync("ghcr.io", CancellationToken.None);

        Assert.Equal(new RegistryLogin("bot", "s3cret"), login);
        Assert.DoesNotContain("s3cret", login!.ToString());
        // credsStore is the default store: it, not the auths entry, answers for every other registry.
        Assert.Null(await credentials.FindAsync("registry.example.com", CancellationToken.None));
    }
}
