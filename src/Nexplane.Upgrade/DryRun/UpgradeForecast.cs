using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Steps.Preflight;

namespace Nexplane.Upgrade.DryRun;

/// <summary>
/// What the dry run knows after Preflight about the upgrade it would run: Preflight's findings, plus what the build
/// computed for each step without acting (the backup's path, the lines a pin would change, the agent waves).
/// </summary>
public sealed record UpgradeForecast
{
    public required PreflightReport Preflight { get; init; }
    public required string ComposeFile { get; init; }
    public bool BackupAfterStop { get; init; }
    /// <summary>The archive the backup would write (its timestamp is the time the dry run ran).</summary>
    public required string BackupArchive { get; init; }
    /// <summary>e.g. "database nexplane, pg_dump in Auto mode".</summary>
    public required string BackupSource { get; init; }
    /// <summary>The services Stop would stop (those of --stop-services the deployment has).</summary>
    public required IReadOnlyList<string> StopServices { get; init; }
    public required IReadOnlyList<string> ProtectedServices { get; init; }
    public required TimeSpan StopTimeout { get; init; }
    /// <summary>The lines StartBackend's pin would change.</summary>
    public required IReadOnlyList<PlannedFileChange> BackendFileChanges { get; init; }
    /// <summary>The lines the Frontend step's pin would change on top of those (none when they share IMAGE_TAG).</summary>
    public IReadOnlyList<PlannedFileChange> FrontendFileChanges { get; init; } = [];
    /// <summary>The frontend service, when the upgrade recreates one; null otherwise.</summary>
    public string? FrontendService { get; init; }
    public string? FrontendUrl { get; init; }
    public required string ApiUrl { get; init; }
    public required string LoginEmail { get; init; }
    /// <summary>The canary, then the waves; empty when the agents are not upgraded.</summary>
    public IReadOnlyList<IReadOnlyList<AgentHost>> AgentWaves { get; init; } = [];
    /// <summary>Where the agent hosts come from and what moves them: "3 host(s) of group g in /inv.yml, through Ansible".</summary>
    public string? AgentSource { get; init; }
    /// <summary>Why the Agents step would not run (not required, or left to the operator); null when it runs.</summary>
    public string? AgentsSkipped { get; init; }
    public PredictedDowntime? Downtime { get; init; }
    /// <summary>With --resume: the steps the interrupted run completed, which the resumed run skips.</summary>
    public IReadOnlySet<string> DoneBeforeResuming { get; init; } = new HashSet<string>();
}
