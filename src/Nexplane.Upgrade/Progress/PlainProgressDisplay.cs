namespace Nexplane.Upgrade.Progress;

/// <summary>
/// Progress as ordinary log lines, for CI logs, pipes and files: every <c>interval</c>, one line per piece of work
/// still running (amount, share, rate, elapsed time), through the build's log and so with its timestamp. Work that
/// ends within the interval prints nothing here: its own closing line says everything. No control characters, no
/// line rewritten in place.
/// </summary>
public sealed class PlainProgressDisplay : IProgressDisplay, IDisposable
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(10);

    readonly Action<string> log;
    readonly TimeProvider time;
    readonly List<Line> open = [];
    readonly ITimer timer;

    public PlainProgressDisplay(Action<string> log, TimeSpan? interval = null, TimeProvider? time = null)
    {
        this.log = log;
        this.time = time ?? TimeProvider.System;
        var period = interval ?? DefaultInterval;
        timer = this.time.CreateTimer(_ => WriteOpenLines(), null, period, period);
    }

    public IProgressLine Start(string label, ProgressUnit unit, double? total = null)
    {
        var line = new Line(this, label, unit, total, time.GetTimestamp());
        lock (open)
            open.Add(line);
        return line;
    }

    void WriteOpenLines()
    {
        Line[] lines;
        lock (open)
            lines = [.. open];
        foreach (var line in lines)
            log(line.Describe(time.GetElapsedTime(line.StartedAt)));
    }

    void Close(Line line)
    {
        lock (open)
            open.Remove(line);
    }

    public void Dispose() => timer.Dispose();

    sealed class Line(PlainProgressDisplay display, string label, ProgressUnit unit, double? total, long startedAt) : IProgressLine
    {
        readonly Lock gate = new();
        string label = label;
        double? total = total;
        double done;

        public long StartedAt => startedAt;

        public string Describe(TimeSpan elapsed)
        {
            lock (gate)
                return ProgressText.Line(label, unit, done, total, elapsed);
        }

        public void Report(double value)
        {
            lock (gate)
                done = value;
        }

        public void SetTotal(double value)
        {
            lock (gate)
                total = value;
        }

        public void Relabel(string value)
        {
            lock (gate)
                label = value;
        }

        public void Dispose() => display.Close(this);
    }
}
