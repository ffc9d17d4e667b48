namespace Nexplane.Upgrade.Steps.Stop;

/// <summary>Stop's line in the dry run: what it stops and how, and what it never stops.</summary>
public static class StopDryRun
{
    public static StepPlan Plan(IReadOnlyList<string> services, TimeSpan stopTimeout, IReadOnlyList<string> protectedServices) =>
        new(services.Count == 0
                ? "nothing to stop"
                : $"stop {string.Join(", ", services)} (TERM inside the container, the engine's stop after {stopTimeout.TotalSeconds:0.#} s); the downtime begins",
            [$"never stopped: {string.Join(", ", protectedServices)}"]);
}
