using Spectre.Console;

namespace Nexplane.Upgrade.Progress;

/// <summary>
/// Progress on an interactive terminal: a Spectre.Console live display below the log, one row per piece of work
/// (label, bar, share, amount, rate, elapsed time). It appears with the first line started and clears itself when the
/// last one ends; log lines written meanwhile through the same console scroll above it (the build's terminal sink
/// writes through that console for this reason).
/// </summary>
/// <param name="redact">Applied to every label (they quote image references and the backend's log), as the log's sinks redact lines.</param>
public sealed class LiveProgressDisplay(IAnsiConsole console, Func<string, string>? redact = null) : IProgressDisplay
{
    /// <summary>How long opening or closing the display may take; the display must never hold up the upgrade.</summary>
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(2);

    readonly Lock gate = new();
    ProgressContext? context;
    Task rendering = Task.CompletedTask;
    TaskCompletionSource? lastLineEnded;
    int openLines;
    bool refused;

    public IProgressLine Start(string label, ProgressUnit unit, double? total = null)
    {
        lock (gate)
        {
            context ??= Open();
            if (context is null)
                return NoProgress.Instance;
            // Spectre caps a task's value at its maximum and hides it once reached: an open end must be out of reach.
            var task = context.AddTask(Shown(label), autoStart: true, maxValue: total ?? double.MaxValue);
            task.IsIndeterminate = total is null;
            ProgressDetailColumn.SetUnit(task, unit);
            openLines++;
            return new LiveLine(this, task);
        }
    }

    string Shown(string label) => Markup.Escape(redact?.Invoke(label) ?? label);

    /// <summary>
    /// Starts Spectre's display on a thread of its own; null (no display, the work goes on) when the previous one has
    /// not finished clearing or Spectre refuses, e.g. because another live display holds the console. After a refusal
    /// the run goes on without a display rather than waiting again for each line.
    /// </summary>
    ProgressContext? Open()
    {
        if (refused || !rendering.Wait(Patience))
            return null;
        var ready = new TaskCompletionSource<ProgressContext>(TaskCreationOptions.RunContinuationsAsynchronously);
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = Task.Run(() => console.Progress()
            .AutoClear(true)
            .HideCompleted(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new ProgressDetailColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress =>
            {
                ready.TrySetResult(progress);
                await ended.Task;
            }));
        if (Task.WaitAny([ready.Task, started], Patience) != 0)
        {
            ended.TrySetResult();
            refused = true;
            return null;
        }
        lastLineEnded = ended;
        rendering = started.ContinueWith(_ => { }, TaskScheduler.Default);
        return ready.Task.Result;
    }

    void End(ProgressTask task)
    {
        Task closing;
        lock (gate)
        {
            task.StopTask();
            if (--openLines > 0)
                return;
            lastLineEnded!.TrySetResult();
            context = null;
            closing = rendering;
        }
        // The display clears itself before anything else is logged.
        closing.Wait(Patience);
    }

    sealed class LiveLine(LiveProgressDisplay display, ProgressTask task) : IProgressLine
    {
        int ended;

        public void Report(double done) => task.Value = done;

        public void SetTotal(double total)
        {
            task.MaxValue = total;
            task.IsIndeterminate = false;
        }

        public void Relabel(string label) => task.Description = display.Shown(label);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref ended, 1) == 0)
                display.End(task);
        }
    }
}
