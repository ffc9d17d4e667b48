using System.Diagnostics;
using CliWrap;
using CliWrap.Buffered;

namespace EndToEnd.Tests.Sandbox;

/// <summary>
/// A private, real redis-server for one test: loopback only, a free port, no persistence, its own temporary
/// directory, killed and removed on dispose. The binaries come from the redis-server package scripts/test-env.sh
/// installs; when they are missing the test fails loudly (it is never skipped).
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    readonly Process process;
    readonly string directory;

    RedisServer(Process process, string directory, int port)
    {
        this.process = process;
        this.directory = directory;
        Port = port;
    }

    public int Port { get; }

    public string Url => $"redis://127.0.0.1:{Port}/0";

    public static async Task<RedisServer> StartAsync()
    {
        var server = FindBinary("redis-server");
        FindBinary("redis-cli");
        var directory = Directory.CreateTempSubdirectory("nexplane-sandbox-redis-").FullName;
        var port = FreePort.Next();
        var start = new ProcessStartInfo(server)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        foreach (var argument in new[]
                 {
                     "--save", "", "--appendonly", "no", "--port", port.ToString(), "--bind", "127.0.0.1",
                     "--dir", directory, "--logfile", Path.Combine(directory, "redis.log"), "--daemonize", "no",
                 })
            start.ArgumentList.Add(argument);
        var redis = new RedisServer(Process.Start(start)!, directory, port);
        try
        {
            await redis.WaitUntilReadyAsync();
            // Counters from here on are the client's alone (the readiness PINGs above do not count).
            await redis.CommandAsync("CONFIG", "RESETSTAT");
            return redis;
        }
        catch
        {
            await redis.DisposeAsync();
            throw;
        }
    }

    async Task WaitUntilReadyAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"redis-server on port {Port} exited with {process.ExitCode} before it answered:\n{Log()}");
            var ping = await Cli.Wrap("redis-cli").WithArguments(["-h", "127.0.0.1", "-p", Port.ToString(), "PING"])
                .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
            if (ping.StandardOutput.Trim() == "PONG")
                return;
            if (deadline.Elapsed > TimeSpan.FromSeconds(30))
                throw new InvalidOperationException($"redis-server on port {Port} did not answer PING within 30 s:\n{Log()}");
            await Task.Delay(50);
        }
    }

    /// <summary>Runs one command through redis-cli and returns its raw reply (e.g. <c>GET key</c>, <c>TTL key</c>).</summary>
    public async Task<string> CommandAsync(params string[] arguments)
    {
        var result = await Cli.Wrap("redis-cli").WithArguments(["-h", "127.0.0.1", "-p", Port.ToString(), .. arguments])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"redis-cli {string.Join(' ', arguments)} failed ({result.ExitCode}): {result.StandardError}");
        return result.StandardOutput.Trim();
    }

    /// <summary>How often clients ran <paramref name="command"/> since start (redis's own INFO commandstats).</summary>
    public async Task<int> CallsOfAsync(string command)
    {
        var stats = await Cli.Wrap("redis-cli").WithArguments(["-h", "127.0.0.1", "-p", Port.ToString(), "INFO", "commandstats"])
            .ExecuteBufferedAsync();
        var prefix = $"cmdstat_{command.ToLowerInvariant()}:calls=";
        var line = stats.StandardOutput.Split('\n').Select(text => text.Trim()).FirstOrDefault(text => text.StartsWith(prefix, StringComparison.Ordinal));
        return line is null ? 0 : int.Parse(line[prefix.Length..].Split(',')[0]);
    }

    string Log()
    {
        var log = Path.Combine(directory, "redis.log");
        return File.Exists(log) ? File.ReadAllText(log) : "(no redis.log)";
    }

    static string FindBinary(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Select(directory => Path.Combine(directory, name))
        .FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException(
            $"{name} was not found on PATH. The sandbox service tests need a real redis: run scripts/test-env.sh " +
            "(it installs the redis-server package) or 'apt-get install -y redis-server', and rerun.");

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
        process.Dispose();
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
    }
}
