using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using CliWrap;
using CliWrap.Buffered;
using Docker.DotNet;
using EndToEnd.Tests.Support;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Processes;

namespace EndToEnd.Tests.Upgrade;

/// <summary>
/// A real registry that wants a password (the packaged docker-registry with an htpasswd file, on a free loopback
/// port) holding one image, pushed there by the docker CLI after a `docker login` into a private DOCKER_CONFIG.
/// </summary>
public sealed class PasswordProtectedRegistry : IAsyncLifetime
{
    const string User = "nexplane-ci";
    readonly string _password = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
    Process? _registry;

    public string Directory { get; } = Path.Combine(RepositoryRoot.Path, ".nuke", "temp", $"password-registry-{Environment.ProcessId}");
    public string DockerConfigDirectory => Path.Combine(Directory, "docker-config");
    public RegistryCredentials Logins => new(Path.Combine(DockerConfigDirectory, "config.json"), new CliWrapCommandRunner());
    public RegistryCredentials NoLogins => new(Path.Combine(Directory, "no-docker-config", "config.json"), new CliWrapCommandRunner());
    public ImageReference Image { get; private set; } = ImageReference.Parse("unset:unset");
    public string Password => _password;

    public async Task InitializeAsync()
    {
        await SandboxInstance.EnsureEnvironmentAsync();
        System.IO.Directory.CreateDirectory(DockerConfigDirectory);
        var port = FreePort();
        await File.WriteAllTextAsync(Path.Combine(Directory, "htpasswd"), $"{User}:{BCrypt.Net.BCrypt.HashPassword(_password, workFactor: 5)}\n");
        var config = Path.Combine(Directory, "registry.yml");
        await File.WriteAllTextAsync(config, $"""
            version: 0.1
            storage: {"{"} filesystem: {"{"} rootdirectory: {Path.Combine(Directory, "data")} {"}"} {"}"}
            http: {"{"} addr: 127.0.0.1:{port} {"}"}
            auth: {"{"} htpasswd: {"{"} realm: nexplane-ci, path: {Path.Combine(Directory, "htpasswd")} {"}"} {"}"}
            """);
        _registry = Process.Start(new ProcessStartInfo("docker-registry", ["serve", config]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        _registry.OutputDataReceived += (_, _) => { };
        _registry.ErrorDataReceived += (_, _) => { };
        _registry.BeginOutputReadLine();
        _registry.BeginErrorReadLine();
        await WaitForLoginChallengeAsync(port);

        Image = ImageReference.Parse($"127.0.0.1:{port}/nexplane/agent-host:ci");
        await DockerAsync(PipeSource.FromString(_password), "login", $"127.0.0.1:{port}", "--username", User, "--password-stdin");
        await DockerAsync(PipeSource.Null, "tag", "127.0.0.1:5000/nexplane-sandbox/agent-host:latest", Image.ToString());
        await DockerAsync(PipeSource.Null, "push", Image.ToString());
        await RemoveLocalTagAsync();
    }

    public async Task DisposeAsync()
    {
        await RemoveLocalTagAsync();
        if (_registry is { HasExited: false })
        {
            _registry.Kill(entireProcessTree: true);
            await _registry.WaitForExitAsync();
        }
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    /// <summary>Only the tag goes: the layers stay with the sandbox image it was made from.</summary>
    public async Task RemoveLocalTagAsync()
    {
        if (Image.Tag != "unset")
            await Cli.Wrap("docker").WithArguments(["rmi", Image.ToString()]).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
    }

    async Task DockerAsync(PipeSource input, params string[] arguments)
    {
        var result = await Cli.Wrap("docker").WithArguments(["--config", DockerConfigDirectory, .. arguments])
            .WithStandardInputPipe(input).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.True(result.ExitCode == 0, $"docker {arguments[0]} failed: {result.StandardError}");
    }

    static async Task WaitForLoginChallengeAsync(int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var attempt = 0; attempt < 100; attempt++)
        {
            try
            {
                if ((await http.GetAsync($"http://127.0.0.1:{port}/v2/")).StatusCode == HttpStatusCode.Unauthorized)
                    return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"docker-registry on 127.0.0.1:{port} did not ask for a login within 10 s");
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Preflight's manifest check and Pull use the login `docker login` stored, and say so when there is none.</summary>
public sealed class RegistryLoginTests(PasswordProtectedRegistry registry) : IClassFixture<PasswordProtectedRegistry>
{
    static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    static DockerClient Docker() => new DockerClientConfiguration(new Uri("unix:///var/run/docker.sock")).CreateClient();

    [Fact]
    public async Task The_manifest_check_finds_the_image_with_the_stored_login_and_without_one_says_to_log_in()
    {
        var digest = await new RegistryClient(Http, registry.Logins).FindManifestDigestAsync(registry.Image, CancellationToken.None);
        var refused = await Assert.ThrowsAsync<RegistryException>(() =>
            new RegistryClient(Http, registry.NoLogins).FindManifestDigestAsync(registry.Image, CancellationToken.None));

        Assert.StartsWith("sha256:", digest);
        Assert.Contains("(401)", refused.Message);
        Assert.Contains("docker login", refused.Message);
    }

    [Fact]
    public async Task Pull_fetches_the_image_with_the_stored_login_and_never_logs_the_password()
    {
        await registry.RemoveLocalTagAsync();
        var log = new List<string>();
        using var docker = Docker();

        var pulled = await new ImagePuller(docker, registry.Logins, log.Add).PullAsync("backend", registry.Image, CancellationToken.None);

        Assert.Equal(await new RegistryClient(Http, registry.Logins).FindManifestDigestAsync(registry.Image, CancellationToken.None), pulled.Digest);
        Assert.DoesNotContain(log, line => line.Contains(registry.Password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Pull_without_a_login_fails_before_anything_stops_and_says_why()
    {
        await registry.RemoveLocalTagAsync();
        using var docker = Docker();

        var failed = await Assert.ThrowsAsync<ImagePullException>(() =>
            new ImagePuller(docker, registry.NoLogins, _ => { }).PullAsync("backend", registry.Image, CancellationToken.None));

        Assert.Contains($"Pulling {registry.Image} for backend failed", failed.Message);
        Assert.Contains("no basic auth credentials", failed.Message);
        Assert.Contains("Nothing was stopped", failed.Message);
    }
}
