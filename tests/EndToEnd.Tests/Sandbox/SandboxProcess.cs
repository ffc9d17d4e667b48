using System.Diagnostics;
using System.Runtime.InteropServices;

namespace EndToEnd.Tests.Sandbox;

/// <summary>
/// One nexplane-sandbox process, run for real. Output is captured line by line so tests can wait for a log line;
/// <see cref="StopAsync"/> sends SIGTERM, as docker stop does.
/// </summary>
public sealed class SandboxProcess : IAsyncDisposable
{
    /// <summary>Variables a developer's shell might carry that would change the sandbox's behaviour under test.</summary>
    static readonly string[] InheritedSandboxVariables =
    [
        "DATABASE_URL", "REDIS_URL", "SECRET_KEY", "WEBHOOK_SECRET", "HOST", "PORT", "GITHUB_API_TOKEN", "GITHUB_API_RELEASES",
        "GITHUB_API_PUBLIC_URL", "NEXPLANE_RELEASE", "NEXPLANE_LOG_FORMAT", "NEXPLANE_API_PREFIX", "NEXPLANE_HEALTH_VERSION",
        "NEXPLANE_MIGRATION_DELAY_MS", "NEXPLANE_ADMIN_PASSWORD", "NEXPLANE_CONTROL_PLANE_URL", "NEXPLANE_AGENT_HOSTNAME",
    ];

    readonly Process process;
    readonly List<string> stdout = [];
    readonly List<string> stderr = [];
    readonly TaskCompletionSource outputClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    int openStreams = 2;

    SandboxProcess(Process process) => this.process = process;

    public string StandardOutput { get { lock (stdout) return string.Join('\n', stdout); } }
    public string StandardError { get { lock (stderr) return string.Join('\n', stderr); } }
    public string AllOutput => StandardOutput + "\n" + StandardError;
    public bool HasExited => process.HasExited;

    public static async Task<SandboxProcess> StartAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo(await SandboxBinary.PathAsync())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var variable in InheritedSandboxVariables)
            start.Environment.Remove(variable);
        // Only --release decides the release in tests, never a file left on the machine.
        start.Environment["NEXPLANE_RELEASE_FILE"] = "/nonexistent/nexplane-release";
        foreach (var (name, value) in environment)
        {
            if (value is null)
                start.Environment.Remove(name);
            else
                start.Environment[name] = value;
        }

        var sandbox = new SandboxProcess(new Process { StartInfo = start, EnableRaisingEvents = true });
        sandbox.process.OutputDataReceived += (_, line) => sandbox.Collect(sandbox.stdout, line.Data);
        sandbox.process.ErrorDataReceived += (_, line) => sandbox.Collect(sandbox.stderr, line.Data);
        sandbox.process.Start();
        sandbox.process.BeginOutputReadLine();
        sandbox.process.BeginErrorReadLine();
        return sandbox;
    }

    /// <summary>Runs a role that ends by itself (migrate, a crashing serve) and returns when it has exited.</summary>
    public static async Task<SandboxProcess> RunToExitAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment, int timeoutSeconds = 30)
    {
        var sandbox = await StartAsync(arguments, environment);
        await sandbox.WaitForExitAsync(TimeSpan.FromSeconds(timeoutSeconds));
        return sandbox;
    }

    public int ExitCode => process.ExitCode;

    void Collect(List<string> lines, string? line)
    {
        if (line is null)
        {
            if (Interlocked.Decrement(ref openStreams) == 0)
                outputClosed.TrySetResult();
            return;
        }
        lock (lines)
            lines.Add(line);
    }

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
            await outputClosed.Task.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"nexplane-sandbox did not exit within {timeout}. Output so far:\n{AllOutput}");
        }
    }

    /// <summary>Waits until a line of stdout or stderr contains <paramref name="text"/>; fails with the output if the process exits first.</summary>
    public async Task WaitForLineAsync(string text, int timeoutSeconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (DateTime.UtcNow < deadline)
        {
            if (AllOutput.Contains(text, StringComparison.Ordinal))
                return;
            if (process.HasExited)
            {
                await outputClosed.Task.WaitAsync(TimeSpan.FromSeconds(5));
                if (AllOutput.Contains(text, StringComparison.Ordinal))
                    return;
                throw new InvalidOperationException($"nexplane-sandbox exited ({process.ExitCode}) before printing '{text}':\n{AllOutput}");
            }
            await Task.Delay(25);
        }
        throw new TimeoutException($"nexplane-sandbox did not print '{text}' within {timeoutSeconds}s:\n{AllOutput}");
    }

    /// <summary>Sends SIGTERM and returns how long the process took to exit.</summary>
    public async Task<TimeSpan> StopAsync()
    {
        var stopwatch = Stopwatch.StartNew();
        if (!process.HasExited)
            Kill(process.Id, Sigterm);
        await WaitForExitAsync(TimeSpan.FromSeconds(10));
        return stopwatch.Elapsed;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }

    const int Sigterm = 15;

    // DllImport rather than LibraryImport: the test project does not allow unsafe code, which LibraryImport needs.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    static extern int Kill(int pid, int signal);
}
