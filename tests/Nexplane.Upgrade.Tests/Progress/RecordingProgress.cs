using System.Collections.Concurrent;
using Nexplane.Upgrade.Progress;

namespace Nexplane.Upgrade.Tests.Progress;

/// <summary>An <see cref="IProgressDisplay"/> that writes down what it was shown, in order.</summary>
public sealed class RecordingProgress : IProgressDisplay
{
    public ConcurrentQueue<string> Events { get; } = new();

    public IProgressLine Start(string label, ProgressUnit unit, double? total = null)
    {
        Events.Enqueue($"start {label} [{unit}{(total is { } t ? $" of {t}" : "")}]");
        return new Line(this, label);
    }

    sealed class Line(RecordingProgress owner, string label) : IProgressLine
    {
        public void Report(double done) => owner.Events.Enqueue($"{label}: {done}");

        public void SetTotal(double total) => owner.Events.Enqueue($"{label}: total {total}");

        public void Relabel(string newLabel)
        {
            owner.Events.Enqueue($"relabel {label} -> {newLabel}");
            label = newLabel;
        }

        public void Dispose() => owner.Events.Enqueue($"end {label}");
    }
}
