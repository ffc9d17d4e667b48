using System.Globalization;
using Nexplane.Upgrade.Time;

namespace Nexplane.Upgrade.Agents;

/// <summary>
/// Where one host's upgrade spent its time (connect, upload, swap, registration), printed with its result: on a fleet
/// this tells the operator, and benchmarks/fleet.sh, whether SSH handshakes, uploads or waiting for the control plane
/// limit a wave.
/// </summary>
public sealed class AgentUpgradePhases(Clock clock)
{
    readonly long started = clock.Timestamp();
    readonly List<(string Phase, TimeSpan Duration)> phases = [];
    TimeSpan endOfLast;

    public TimeSpan Elapsed => clock.Since(started);

    /// <summary>Closes <paramref name="phase"/>: it lasted from the end of the previous one (or the start) until now.</summary>
    public void End(string phase)
    {
        var now = Elapsed;
        phases.Add((phase, now - endOfLast));
        endOfLast = now;
    }

    /// <summary>E.g. <c>connect 0.12 s, upload 0.30 s, swap 0.08 s, registration 0.61 s</c>.</summary>
    public override string ToString() =>
        string.Join(", ", phases.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Phase} {p.Duration.TotalSeconds:0.00} s")));
}
