using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Operator;
using Nexplane.Upgrade.Steps.Preflight;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Time;

namespace Nexplane.Upgrade.Steps.Rehearse;

/// <summary>The rehearsal in the upgrade's Preflight: the last one of this path is shown, and with --require-rehearsal a passing one is demanded.</summary>
public sealed class RehearsalGate(IRunOutput output, OperatorAdvice advice, Clock? clock = null)
{
    readonly Clock _clock = clock ?? Clock.System;

    /// <summary>Preflight shows the last rehearsal of this path; when one is required, a missing passing one is a gate that fails.</summary>
    /// <param name="database">The database there now: only a rehearsal of it counts (null: any, e.g. it could not be read).</param>
    public PreflightReport Apply(PreflightReport preflight, RehearsalReports rehearsals, string composeFile, bool required, DatabaseIdentity? database)
    {
        if (preflight.Current is not { } current)
            return required
                ? preflight with { Failures = [.. preflight.Failures, new UpgradeGateFailure("rehearsal",
                    $"{advice.Flag(Setting.RequireRehearsal)}: the running version is unknown, so no rehearsal can be matched.")] }
                : preflight;
        var (from, to) = (current.ToString(), preflight.Target.ToString());
        var stops = preflight.Stops.Select(stop => stop.Version.ToString()).ToArray();
        var last = rehearsals.LastOf(composeFile, from, to, database, stops);
        output.Information("{Rehearsal}", RehearsalRequirement.Describe(last, from, to, _clock.UtcNow, advice));
        return RehearsalRequirement.Refusal(required, rehearsals.LastPassingOf(composeFile, from, to, database, stops), last, from, to, advice) is { } refusal
            ? preflight with { Failures = [.. preflight.Failures, new UpgradeGateFailure("rehearsal", refusal)] }
            : preflight;
    }
}
