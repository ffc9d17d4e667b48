using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Steps.Agents;
using Nuke.Common;
using Nuke.Common.IO;
using Nexplane.Upgrade;

/// <summary>
/// The runbook's "upgrade agents (if required)" (src/Nexplane.Upgrade/Steps/Agents): over SSH (or on this machine), canary first, then waves; each host keeps its old binary
/// and is rolled back on its own. Runs after Verify: the control plane is healthy on the new version by then, and a
/// failed agent never rolls it back (old agents keep working against it, as the runbook says).
/// </summary>
partial class Build
{
    [Parameter("Upgrade the agents even when the release notes do not require it")]
    readonly bool UpgradeAgents;

    [Parameter("JSON file naming the agent hosts to upgrade, over SSH or on this machine (see docs/runbook-steps.md: Agents)")]
    readonly AbsolutePath? AgentHostsFile;

    [Parameter("Leave a required agent upgrade to the operator (Preflight then lists what to do)")]
    readonly bool SkipAgents;

    [Parameter("Agent hosts upgraded at once after the canary")]
    readonly int AgentWaveSize = 5;

    [Parameter("How long a restarted agent has to register with the control plane on its new version")]
    readonly TimeSpan AgentRegistrationTimeout = TimeSpan.FromSeconds(60);

    [Parameter("What upgrades the agent hosts: Ssh (the built-in rollout) or Ansible (ansible-playbook running a playbook the tool writes)")]
    readonly AgentEngine AgentEngine = AgentEngine.Ssh;

    [Parameter("Passphrase of the SSH key named in the agent hosts file")]
    [Secret]
    readonly string? AgentSshKeyPassphrase;

    AgentSettings AgentSettings => new()
    {
        HostsFile = AgentHostsFile,
        Skip = SkipAgents,
        UpgradeRequested = UpgradeAgents,
        WaveSize = AgentWaveSize,
        RegistrationTimeout = AgentRegistrationTimeout,
        SshKeyPassphrase = AgentSshKeyPassphrase,
        BinaryCacheDirectory = TemporaryDirectory / "agent-binaries",
        Engine = AgentEngine,
        // Beside the run's report: the playbook, inventory and results the operator reads or re-runs.
        AnsibleDirectory = UpgradeStateDirectory / $"ansible-{Run.Report.Id}",
    };

    /// <summary>Whether this run upgrades the agents; the two conditions below print why not as the skip reason.</summary>
    AgentUpgradeDecision AgentsThisRun => AgentUpgrade.Decide(Run.AgentUpgradeRequired, AgentSettings);

    /// <summary>The release notes on the upgrade path say so, or the operator asked for it.</summary>
    bool AgentUpgradeRequired => AgentsThisRun != AgentUpgradeDecision.NotRequired;

    /// <summary>Printed as the skip reason when the operator upgrades the agents by hand.</summary>
    bool AgentsNotLeftToOperator => AgentsThisRun != AgentUpgradeDecision.LeftToOperator;

    Target Agents => _ => _
        .Description(RunbookTable.Description(RunbookStep.Agents))
        .DependsOn(PreviousStep(RunbookStep.Agents))
        .OnlyWhenStatic(() => NotDryRun)
        .OnlyWhenDynamic(() => AgentUpgradeRequired)
        .OnlyWhenDynamic(() => AgentsNotLeftToOperator)
        .OnlyWhenDynamic(() => NotDoneBeforeResuming(RunbookStep.Agents))
        .Executes(async cancellationToken =>
        {
            // The hosts first: a missing hosts file fails before the deployment is resolved or any host is touched.
            var hosts = Run.AgentHostsToUpgrade(AgentSettings);
            ResolveDeployment();
            var settings = new AgentsSettings(AgentWaveSize, $"Fix the cause and rerun the agents alone with the same command plus {Advice.Flag(Setting.UpgradeAgents)}",
                AgentEngine);
            await Run.UpgradeAgentsAsync(new AgentsInput(hosts, Run.TargetVersion, settings), Live, cancellationToken);
        });
}
