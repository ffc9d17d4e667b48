using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Steps.Preflight;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Steps.Rehearse;
using Nexplane.Upgrade.Tests.Runs;
using Nexplane.Upgrade.Tests.Time;
using Nexplane.Upgrade.Tests.Operator;

namespace Nexplane.Upgrade.Tests.Steps.Rehearse;

/// <summary>The rehearsal in the upgrade's Preflight, with the kept rehearsals given as files.</summary>
public sealed class RehearsalGateTests : IDisposable
{
    const string ComposeFile = "/srv/nexplane/docker-compose.yml";

    readonly string _directory = Path.Combine(Path.GetTempPath(), $"rehearsal-gate-{Guid.NewGuid():N}");
    readonly RecordedOutput _output = new();
    readonly AdvancingClock _clock = new();

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    static readonly DatabaseIdentity LiveDatabase = new("7000000000000000002", 16384, "nexplane");

    static PreflightReport Preflighted(string? current = "0.2.0") => new()
    {
        Current = current is null ? null : NexplaneVersion.Parse(current),
        Target = NexplaneVersion.Parse("0.3.0"),
    };

    RehearsalReports Kept(params RehearsalReport[] reports)
    {
        var store = new RehearsalReports(_directory);
        foreach (var report in reports)
            store.Save(report);
        return store;
    }

    RehearsalReport Rehearsal(string id, bool passed, DatabaseIdentity database) => new()
    {
        Id = id, ComposeFile = ComposeFile, FromVersion = "0.2.0", ToVersion = "0.3.0", StartedAt = _clock.UtcNow.AddHours(-3),
        FinishedAt = _clock.UtcNow.AddHours(-3).AddSeconds(40), Passed = passed, FailedStep = passed ? null : "Verify",
        Reason = passed ? null : "login failed", Database = database,
    };

    PreflightReport Apply(PreflightReport preflight, RehearsalReports rehearsals, bool required) =>
        new RehearsalGate(_output, TestAdvice.Nuke, _clock).Apply(preflight, rehearsals, ComposeFile, required, LiveDatabase);

    [Fact]
    public void The_last_rehearsal_of_this_path_is_shown_and_nothing_is_refused_unless_required()
    {
        var preflight = Preflighted();

        var gated = Apply(preflight, Kept(Rehearsal("f", passed: false, LiveDatabase)), required: false);

        Assert.Same(preflight, gated);
        Assert.Equal(["INF Last rehearsal of 0.2.0 -> 0.3.0: 2026-12-06 09:00 UTC (3 h ago), FAILED at Verify: login failed (" +
                      Path.Combine(_directory, "rehearsal-f.json") + ")"], _output.Lines);
    }

    [Fact]
    public void Required_a_passing_rehearsal_of_another_database_does_not_count()
    {
        var gated = Apply(Preflighted(), Kept(Rehearsal("p", passed: true, LiveDatabase with { SystemIdentifier = "7000000000000000001" })), required: true);

        var failure = Assert.Single(gated.Failures);
        Assert.Equal(("rehearsal", "--require-rehearsal: no passing rehearsal of 0.2.0 -> 0.3.0 for this deployment. " +
                                   "Rehearse first: ./build.sh Rehearse --version 0.3.0"), (failure.Gate, failure.Message));
        Assert.Equal(["INF No rehearsal of 0.2.0 -> 0.3.0 for this deployment yet (./build.sh Rehearse --version 0.3.0)"], _output.Lines);
    }

    [Fact]
    public void Required_a_passing_rehearsal_of_this_database_lets_the_upgrade_through()
    {
        var gated = Apply(Preflighted(), Kept(Rehearsal("p", passed: true, LiveDatabase)), required: true);

        Assert.Empty(gated.Failures);
    }

    [Fact]
    public void With_the_running_version_unknown_no_rehearsal_can_be_matched()
    {
        var required = Apply(Preflighted(current: null), Kept(), required: true);
        var optional = Apply(Preflighted(current: null), Kept(), required: false);

        Assert.Equal("--require-rehearsal: the running version is unknown, so no rehearsal can be matched.", Assert.Single(required.Failures).Message);
        Assert.Empty(optional.Failures);
        Assert.Empty(_output.Lines);
    }
}
