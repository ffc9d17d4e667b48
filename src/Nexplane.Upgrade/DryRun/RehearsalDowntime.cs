using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Steps.Rehearse;

namespace Nexplane.Upgrade.DryRun;

/// <summary>The downtime the last passing rehearsal of the same path predicted for this deployment: measured on its own data.</summary>
public sealed class RehearsalDowntime(RehearsalReports rehearsals, string composeFile) : IDowntimePrediction
{
    public PredictedDowntime? Predict(NexplaneVersion from, NexplaneVersion to, IReadOnlyList<string>? stops = null) =>
        rehearsals.LastPassingOf(composeFile, from.ToString(), to.ToString(), stops: stops) is { PredictedDowntime: { } predicted } rehearsal
            ? new PredictedDowntime(predicted.Seconds, $"rehearsal of {rehearsal.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC: {predicted}")
            : null;
}
