using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using EndToEnd.Tests.Support;

namespace EndToEnd.Tests.Rollback;

/// <summary>
/// ./build.sh started in its own process group (setsid), as a terminal would run it in the foreground, so a test can
/// do what an operator's Ctrl+C (SIGINT to the group), a dropped SSH connection (SIGHUP to the session) or a crash
/// (SIGKILL of the whole tree) does, at a moment chosen
/// by an observable signal: a line of output, or a step recorded in the journal.
/// </summary>
public sealed partial class InterruptibleRun : IDisposable
{
    readonly Process _process;
    readonly StringBuilder _output = new();
    readonly Lock _gate = new();
    readonly List<(Func<string, bool> Match, TaskCompletionSource Seen)> _waiters = [];
    readonly Thread[] _readers;

    InterruptibleRun(string[] arguments)
    {
        var start = new ProcessStartInfo("setsid")
        {
            WorkingDirectory = RepositoryRoot.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // As on an operator's terminal, whatever CI runs the tests: no GitHub or GitLab groups instead of step headers.
        start.Environment.Remove("GITHUB_ACTIONS");
        start.Environment.Remove("GITLAB_CI");
        // A shell starts background jobs with SIGINT ignored, and nohup ignores SIGHUP; children inherit both: a test
        // runner started with `&` or under nohup would hand the tool an ignored SIGINT or SIGHUP (the runtime keeps an
        // inherited SIG_IGN), and Ctrl+C or a hang-up would do nothing. A terminal's foreground job has the defaults.
        start.ArgumentList.Add("env");
        start.ArgumentList.Add("--default-signal=INT,HUP");
        start.ArgumentList.Add(Path.Combine(RepositoryRoot.Path, "build.sh"));
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        _process = new Process { StartInfo = start };
        _process.Start();
        // Read on threads of their own, not the thread pool's: on a busy test host the pool's callbacks can lag the tool
        // by seconds, and a test that acts on a line would act long after the tool printed it.
        _readers = [Reader(_process.StandardOutput), Reader(_process.StandardError)];
    }

    Thread Reader(StreamReader stream)
    {
        var thread = new Thread(() =>
        {
            while (stream.ReadLine() is { } line)
                OnLine(line);
        }) { IsBackground = true, Name = $"output of ./build.sh ({_process.Id})" };
        thread.Start();
        return thread;
    }

    public static InterruptibleRun Start(string[] arguments) => new(arguments);

    /// <summary>setsid execs (the child of a non-leader), as env does, so the process id is also the process group id.</summary>
    public int ProcessGroup => _process.Id;

    public string Output
    {
        get
        {
            lock (_gate)
                return _output.ToString();
        }
    }

    void OnLine(string line)
    {
        lock (_gate)
        {
            _output.AppendLine(line);
            foreach (var waiter in _waiters.Where(w => w.Match(line)).ToArray())
            {
                waiter.Seen.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    /// <summary>Completes when a line containing <paramref name="text"/> is printed; fails if the run ends first.</summary>
    public async Task WaitForLineAsync(string text, TimeSpan timeout)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_output.ToString().Contains(text, StringComparison.Ordinal))
                return;
            _waiters.Add((line => line.Contains(text, StringComparison.Ordinal), seen));
        }
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(seen.Task, exited, Task.Delay(timeout));
        if (first == exited)
            // The process is gone; its last lines may still be on their way to the readers.
            JoinReaders();
        if (first != seen.Task && !Output.Contains(text, StringComparison.Ordinal))
            throw new Xunit.Sdk.XunitException($"'{text}' was not printed ({(first == exited ? "the run ended" : $"within {timeout}")}):\n{Output}");
    }

    /// <summary>
    /// Completes as soon as the run's journal records <paramref name="step"/> as completed: the tool saves it right
    /// after the step succeeds, so this is the earliest observable moment after the step.
    /// </summary>
    public async Task WaitForJournalStepAsync(RollbackDeployment deployment, IReadOnlySet<string> journalsBefore, string step, TimeSpan timeout)
    {
        // Only this run's journal is read on each poll: the directory holds every journal of the test run, and
        // parsing them all every 20 ms made the poll slower than the step after the awaited one.
        var deadline = Stopwatch.StartNew();
        string? journalFile = null;
        while (deadline.Elapsed < timeout)
        {
            // On a fresh clone the directory appears only when the tool writes its first journal.
            if (journalFile is null && Directory.Exists(RollbackDeployment.JournalDirectory))
                journalFile = Directory.EnumerateFiles(RollbackDeployment.JournalDirectory, "*.json")
                    .Where(path => !journalsBefore.Contains(path) && !Path.GetFileName(path).StartsWith("report-", StringComparison.Ordinal))
                    .FirstOrDefault(path => TryLoadJournal(path)?.ComposeFile == deployment.Sandbox.ComposeFile);
            if (journalFile is not null && TryLoadJournal(journalFile)?.HasCompleted(step) == true)
                return;
            if (_process.HasExited)
                throw new Xunit.Sdk.XunitException($"the run ended before its journal recorded {step}:\n{Output}");
            await Task.Delay(20);
        }
        throw new Xunit.Sdk.XunitException($"the journal did not record {step} within {timeout}:\n{Output}");
    }

    /// <summary>A journal being rewritten at this moment reads as null; the next poll sees it whole.</summary>
    static Nexplane.Upgrade.Runbook.UpgradeJournal? TryLoadJournal(string path)
    {
        try
        {
            return Nexplane.Upgrade.Runbook.UpgradeJournal.Load(path);
        }
        catch (Exception exception) when (exception is IOException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    public void Signal(int signal)
    {
        if (!TrySignal(signal))
            throw new InvalidOperationException($"kill(-{ProcessGroup}, {signal}): the process group has already exited");
    }

    /// <summary>Signals the group; false when it has already exited (the run ended on its own first).</summary>
    public bool TrySignal(int signal)
    {
        if (kill(-ProcessGroup, signal) == 0)
            return true;
        var errno = Marshal.GetLastPInvokeError();
        return errno == NoSuchProcess
            ? false
            : throw new InvalidOperationException($"kill(-{ProcessGroup}, {signal}) failed: errno {errno}");
    }

    const int NoSuchProcess = 3; // ESRCH

    public const int SigHup = 1;
    public const int SigInt = 2;
    public const int SigKill = 9;

    /// <summary>Waits for the tool to end and returns what an operator's terminal showed.</summary>
    public async Task<BuildScriptResult> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancellation.Token);
        JoinReaders();
        return new BuildScriptResult(_process.ExitCode, Output);
    }

    /// <summary>After a SIGKILL: the group is gone once no member answers signal 0.</summary>
    public async Task WaitForGroupGoneAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (kill(-ProcessGroup, 0) == 0)
        {
            if (deadline.Elapsed > timeout)
                throw new Xunit.Sdk.XunitException($"process group {ProcessGroup} still alive after SIGKILL");
            await Task.Delay(20);
        }
        await _process.WaitForExitAsync();
        JoinReaders();
    }

    /// <summary>Everything printed is in <see cref="Output"/> once the readers reach the end of both streams.</summary>
    void JoinReaders()
    {
        foreach (var reader in _readers)
            reader.Join(TimeSpan.FromSeconds(30));
    }

    public void Dispose()
    {
        if (!_process.HasExited)
            kill(-ProcessGroup, SigKill);
        _process.Dispose();
    }

    [DllImport("libc", SetLastError = true)]
    static extern int kill(int pid, int sig);
}
