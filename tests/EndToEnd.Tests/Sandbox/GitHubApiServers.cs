namespace EndToEnd.Tests.Sandbox;

/// <summary>github-api processes for a test class: one open like a public repository, one requiring a token, one out of rate limit.</summary>
public sealed class GitHubApiServers : IAsyncLifetime
{
    public const string Token = "ghp_sandboxTestToken0123456789";

    SandboxProcess? open;
    SandboxProcess? guarded;
    SandboxProcess? exhausted;

    public Uri OpenServer { get; private set; } = null!;
    public Uri GuardedServer { get; private set; } = null!;
    public Uri RateLimitedServer { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        (open, OpenServer) = await StartAsync(new Dictionary<string, string?>());
        (guarded, GuardedServer) = await StartAsync(new Dictionary<string, string?> { ["GITHUB_API_TOKEN"] = Token });
        (exhausted, RateLimitedServer) = await StartAsync(new Dictionary<string, string?> { ["GITHUB_API_RATE_LIMIT_EXHAUSTED"] = "1" });
    }

    static async Task<(SandboxProcess, Uri)> StartAsync(Dictionary<string, string?> environment)
    {
        var port = FreePort.Next();
        var process = await SandboxProcess.StartAsync(["github-api", "--port", port.ToString()], environment);
        await process.WaitForLineAsync("github-api: serving");
        // The server root: Octokit appends api/v3/ itself for anything that is not github.com.
        return (process, new Uri($"http://127.0.0.1:{port}/"));
    }

    public async Task DisposeAsync()
    {
        foreach (var process in new[] { open, guarded, exhausted })
            if (process is not null)
            {
                await process.StopAsync();
                await process.DisposeAsync();
            }
    }
}
