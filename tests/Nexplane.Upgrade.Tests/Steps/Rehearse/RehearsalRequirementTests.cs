using Nexplane.Upgrade.Steps.Rehearse;
using Nexplane.Upgrade.Tests.Operator;

namespace Nexplane.Upgrade.Tests.Steps.Rehearse;

/// <summary>What the upgrade's Preflight says of the last rehearsal, and what --require-rehearsal refuses.</summary>
public sealed class RehearsalRequirementTests
{
    static readonly DateTimeOffset Noon = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    static RehearsalReport Report(string id, bool passed, DateTimeOffset at, string from = "0.2.0", string to = "0.3.0", string compose = "/srv/a.yml") => new()
    {
        Id = id, ComposeFile = compose, FromVersion = from, ToVersion = to, StartedAt = at, FinishedAt = at.AddSeconds(40), Passed = passed,
        FailedStep = passed ? null : "StartBackend", Reason = passed ? null : "the container restarted 2 time(s)",
        PredictedDowntime = new DowntimePrediction(0.5, 0.6, 1.2),
        Migrations = [new RehearsedMigration("002", "003", "add tunnels", 0.25)],
    };

    [Fact]
    public void Preflight_describes_the_last_rehearsal_with_when_verdict_and_predicted_downtime()
    {
        var line = RehearsalRequirement.Describe(Report("a", true, Noon.AddHours(-3)), "0.2.0", "0.3.0", Noon, TestAdvice.Nuke);

        Assert.StartsWith("Last rehearsal of 0.2.0 -> 0.3.0: 2026-12-05 09:00 UTC (3 h ago), passed, predicted downtime 2.3 s", line);
    }

    [Fact]
    public void Without_a_rehearsal_Preflight_names_the_command()
    {
        Assert.Equal("No rehearsal of 0.2.0 -> 0.3.0 for this deployment yet (./build.sh Rehearse --version 0.3.0)",
            RehearsalRequirement.Describe(null, "0.2.0", "0.3.0", Noon, TestAdvice.Nuke));
    }

    [Fact]
    public void Require_rehearsal_refuses_without_a_passing_rehearsal_and_says_why_the_last_one_failed()
    {
        var failed = Report("f", false, Noon);

        var refusal = RehearsalRequirement.Refusal(true, null, failed, "0.2.0", "0.3.0", TestAdvice.Nuke);

        Assert.Equal("--require-rehearsal: no passing rehearsal of 0.2.0 -> 0.3.0 for this deployment (the last one FAILED at StartBackend: " +
                     "the container restarted 2 time(s)). Rehearse first: ./build.sh Rehearse --version 0.3.0", refusal);
    }

    [Fact]
    public void Require_rehearsal_lets_a_passing_rehearsal_through_and_nothing_is_required_without_it()
    {
        Assert.Null(RehearsalRequirement.Refusal(true, Report("p", true, Noon), Report("f", false, Noon.AddHours(1)), "0.2.0", "0.3.0", TestAdvice.Nuke));
        Assert.Null(RehearsalRequirement.Refusal(false, null, null, "0.2.0", "0.3.0", TestAdvice.Nuke));
    }
}
