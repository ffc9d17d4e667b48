using Nexplane.Upgrade.Releases;

namespace Nexplane.Upgrade.DryRun;

/// <summary>A downtime expected for an upgrade, and what it was measured on, so the operator can judge it.</summary>
public sealed record PredictedDowntime(double Seconds, string Source)
{
    public override string ToString() => $"{Seconds:0.0} s ({Source})";
}

/// <summary>
/// Where a predicted downtime comes from: the last passing rehearsal of the same path (asked first), else past
/// upgrades of the same path (<see cref="PastUpgradeDowntime"/>).
/// </summary>
public interface IDowntimePrediction
{
    /// <summary>
    /// The expected downtime of <paramref name="from"/> -> <paramref name="to"/> through <paramref name="stops"/> (none:
    /// one hop); null when nothing was measured on that route.
    /// </summary>
    PredictedDowntime? Predict(NexplaneVersion from, NexplaneVersion to, IReadOnlyList<string>? stops = null);
}

/// <summary>Asks each source in turn and takes the first answer, so a better-informed source can be put in front.</summary>
public sealed class FirstDowntimePrediction(params IDowntimePrediction[] sources) : IDowntimePrediction
{
    public PredictedDowntime? Predict(NexplaneVersion from, NexplaneVersion to, IReadOnlyList<string>? stops = null) =>
        sources.Select(source => source.Predict(from, to, stops)).FirstOrDefault(prediction => prediction is not null);
}
