using System.Text;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Processes;
using Nexplane.Upgrade.Tests.Processes;

namespace Nexplane.Upgrade.Tests.Compose;

/// <summary>The logins `docker login` stored, read as the docker CLI reads them.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class RegistryCredentialsTests : IDisposable
{
    readonly string _directory = Directory.CreateTempSubdirectory("docker-config-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    RegistryCredentials Config(string json, ICommandRunner? commands = null)
    {
        var path = Path.Combine(_directory, "config.json");
        File.WriteAllText(path, json);
        return new RegistryCredentials(path, commands ?? new CliWrapCommandRunner());
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
        var credentials = new RegistryCredentials(Path.Combine(_directory, "missing", "config.json"), new RecordingCommandRunner());

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

    [Fact]
    public async Task The_credential_helper_call_is_get_with_the_registry_on_stdin_and_no_secret_in_its_arguments()
    {
        var commands = new RecordingCommandRunner(_ => new CommandAnswer(StandardOutput: """{"ServerURL":"ghcr.io","Username":"bot","Secret":"s3cret"}""" + "\n"));
        var credentials = Config("""{ "credHelpers": { "ghcr.io": "pass" } }""", commands);

        Assert.Equal(new RegistryLogin("bot", "s3cret"), await credentials.FindAsync("ghcr.io", CancellationToken.None));
        Assert.Equal(new RegistryLogin("bot", "s3cret"), await credentials.FindAsync("ghcr.io", CancellationToken.None));

        var helper = Assert.Single(commands.Commands); // asked once per registry
        Assert.Equal("docker-credential-pass", helper.Program);
        Assert.Equal(["get"], helper.Arguments);
        Assert.Equal("ghcr.io", helper.StandardInput);
        Assert.Empty(helper.Environment);
    }

    [Fact]
    public async Task A_failing_credential_helper_is_an_error_with_its_stderr_and_a_missing_one_says_it_cannot_run()
    {
        var failing = Config("""{ "credsStore": "desktop" }""",
            new RecordingCommandRunner(_ => new CommandAnswer(1, StandardError: "error getting credentials\n")));
        var refused = await Assert.ThrowsAsync<RegistryException>(() => failing.FindAsync("ghcr.io", CancellationToken.None));
        Assert.Equal("docker-credential-desktop get failed for ghcr.io (exit code 1): error getting credentials", refused.Message);

        var missing = Config("""{ "credsStore": "desktop" }""", new RecordingCommandRunner(command =>
            throw new CommandNotStartedException(command, new System.ComponentModel.Win32Exception("No such file or directory"))));
        var notRun = await Assert.ThrowsAsync<RegistryException>(() => missing.FindAsync("ghcr.io", CancellationToken.None));
        Assert.Equal("The docker config names the credential helper docker-credential-desktop, which cannot be run here (No such file or directory).",
            notRun.Message);
    }
}
