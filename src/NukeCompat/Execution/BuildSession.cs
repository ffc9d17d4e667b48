using Nuke.Common.Output;
using Serilog;

namespace Nuke.Common.Execution;

/// <summary>The state of one run, shared by the runner, the executor and the build's status properties.</summary>
internal sealed class BuildSession(NukeBuild build, BuildCancellation cancellation)
{
    public NukeBuild Build { get; } = build;
    public BuildCancellation Cancellation { get; } = cancellation;
    public IReadOnlyList<ExecutableTarget> Targets { get; set; } = [];

    /// <summary>Null until planning succeeded; no summary is printed without a plan.</summary>
    public List<ExecutableTarget>? Plan { get; set; }

    public ExecutableTarget? RunningTarget { get; set; }
    public HostOutput Host { get; set; } = null!;
    public ILogger Logger { get; set; } = Serilog.Core.Logger.None;
}
