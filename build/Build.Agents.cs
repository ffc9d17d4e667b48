using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Agents.Ansible;
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

    [Parameter("With --agent-engine Ansible: the operator's own Ansible inventory (file or directory) whose --agent-inventory-group names the agent hosts, " +
               "instead of --agent-hosts-file; Ansible reaches them with the inventory's own SSH settings (see docs/runbook-steps.md: Agents)")]
    readonly AbsolutePath? AgentInventory;

    [Parameter("The group of --agent-inventory whose hosts (its children's included) run a Nexplane agent")]
    readonly string? AgentInventoryGroup;

    /// <summary>
    /// The agent hosts file, unless a parameter file names it and the command line or the environment names an inventory:
    /// the shipped parameters.json names the sandbox's hosts file, and an operator who points the tool at their inventory
    /// means that one. Named at the same level (or the file more directly), both stay, and both are refused.
    /// </summary>
    AbsolutePath? AgentHostsFileInUse =>
        AgentInventory is not null && FromParameterFile(nameof(AgentHostsFile)) && !FromParameterFile(nameof(AgentInventory)) ? null : AgentHostsFile;

    bool FromParameterFile(string parameter) => ParameterOrigin(parameter)?.StartsWith("parameter file", StringComparison.Ordinal) == true;

    [Parameter("Passphrase of the SSH key named in the agent hosts file")]
    [Secret]
    readonly string? AgentSshKeyPassphrase;

    AgentSettings AgentSettings => new()
    {
        HostsFile = AgentHostsFileInUse,
        Inventory = AgentInventory,
        InventoryGroup = AgentInventoryGroup,
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
            // An inventory's hosts are asked through Ansible first, with the parameters checked before that.
            if (AgentSettings.InventorySource is not null)
                StepParameterProblems().ThrowIfAny();
            var hosts = await Run.AgentHostsToUpgradeAsync(AgentSettings, (inventory, cancellation) =>
                new AnsibleInventoryHosts(Commands, inventory).LoadAsync(Path.Combine(AgentSettings.AnsibleDirectory, "probe", "results"), forUpgrade: true, cancellation),
                cancellationToken);
            ResolveDeployment();
            // Run alone, the step changes hosts and may write the last upgrade's journal: it holds the deployment's lock,
            // as every command that changes the deployment does (in an upgrade the run holds it already).
            if (Journal is null)
                HeldLock ??= TakeLock(RedactedCommandLine, takeOverAbandoned: false);
            Run.RecordAgentsInTheUpgradeTheyFinish(Journals, Deployment.ComposeFile, AgentEngine, AgentSettings.InventorySource);
            var settings = new AgentsSettings(AgentWaveSize, $"Fix the cause and rerun the agents alone with the same command plus {Advice.Flag(Setting.UpgradeAgents)}",
                AgentEngine, AgentSettings.InventorySource);
            await Run.UpgradeAgentsAsync(new AgentsInput(hosts, Run.TargetVersion, settings), Live, cancellationToken);
        });
}
