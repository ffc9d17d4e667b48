using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Deployments;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Operator;

namespace Nexplane.Upgrade.Steps.Preflight;

/// <summary>How the image tags of this deployment are spelled: 0.3.0, v0.3.0, or as the running tags are.</summary>
public enum TagFormat { Detect, Plain, V }

/// <summary>Everything Preflight needs to know about the deployment and the requested upgrade.</summary>
public sealed record PreflightSettings
{
    public required string TargetVersion { get; init; }
    public required Deployment Deployment { get; init; }
    public required ReleaseSettings Releases { get; init; }
    public required UpgradePathOverrides Overrides { get; init; }

    /// <summary>The versions to stop at on the way (<c>--via</c>); empty: the required stops the release notes name.</summary>
    public IReadOnlyList<NexplaneVersion> Via { get; init; } = [];

    /// <summary>The database where this machine reaches it (resolved from the deployment's db container).</summary>
    public required DatabaseTarget Database { get; init; }

    public required string BackupDirectory { get; init; }
    public TagFormat TagFormat { get; init; } = TagFormat.Detect;

    /// <summary>The account Verify logs in with after the upgrade; Preflight tries it first on the running version.</summary>
    public required LoginAccount Login { get; init; }

    public required AgentSettings Agents { get; init; }

    /// <summary>Run by Rehearse, which leaves the agents alone: what it says of them must not name a flag nobody passed.</summary>
    public bool ForRehearsal { get; init; }

    /// <summary>How the gates name the flags and commands that fix what they find.</summary>
    public required OperatorAdvice Advice { get; init; }
}
