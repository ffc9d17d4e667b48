using Nexplane.Upgrade.Rehearsals;
using Nexplane.Upgrade.Tests.Runs;

namespace Nexplane.Upgrade.Tests.Rehearsals;

/// <summary>What the runbook's steps say while they act on a rehearsal's throwaway copy.</summary>
public sealed class CopyStepOutputTests
{
    [Fact]
    public void Every_message_of_a_step_is_marked_as_the_copys_and_its_summary_pairs_stay_out_of_the_rehearsals_line()
    {
        var run = new RecordedOutput();
        var copy = new CopyStepOutput(run);

        copy.Information("The backend answers /health again after {Seconds:0.00} s of downtime", 2.5);
        copy.Warning("{Service} was killed", "worker");
        copy.Error("The backend's full output is saved in {OutputFile}", "/tmp/out.log");
        copy.Summary("Head", "004");

        Assert.Equal(
        [
            "INF Throwaway copy: The backend answers /health again after 2.5 s of downtime",
            "WRN Throwaway copy: worker was killed",
            "ERR Throwaway copy: The backend's full output is saved in /tmp/out.log",
        ], run.Lines);
        Assert.Empty(run.Summary);
    }
}
