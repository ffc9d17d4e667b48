using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Releases;

namespace Nexplane.Upgrade.Deployments;

/// <summary>How the run acts on the deployment: its waits, its tools, the accounts and where secrets are masked.</summary>
public sealed record LiveDeploymentSettings
{
    public required StepTimeouts Timeouts { get; init; }
    public required LoginAccount Login { get; init; }
    public required AgentSettings Agents { get; init; }

    /// <summary>Where the agent binaries come from.</summary>
    public required ReleaseSettings Releases { get; init; }

    public BackupMode BackupMode { get; init; } = BackupMode.Auto;

    /// <summary>The compose CLI the operator asked for; Auto lets the deployment's containers and this machine decide.</summary>
    public ComposeCommand ComposeCommand { get; init; } = ComposeCommand.Auto;

    /// <summary>Parallel COPY connections and pg_restore jobs of a restore; at least 1.</summary>
    public int RestoreJobs { get; init; } = Environment.ProcessorCount;

    public required SecretMask Secrets { get; init; }

    /// <summary>The run's id: the copies of deployment files it keeps beside them are named after it.</summary>
    public required string RunId { get; init; }
}

/// <summary>
/// The log's secret masking: a secret found while the run goes on (a login token) is registered, and the output of
/// the deployment's services is masked before it is relayed.
/// </summary>
public sealed record SecretMask(Action<string> Register, Func<string, string> Redact);
