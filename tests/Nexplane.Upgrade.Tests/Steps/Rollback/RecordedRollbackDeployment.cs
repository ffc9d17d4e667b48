using Nexplane.Upgrade.Agents.Ansible;
using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Steps.Rollback;

namespace Nexplane.Upgrade.Tests.Steps.Rollback;

/// <summary>A deployment that records what the rollback asks of it, in order, and answers as told.</summary>
sealed class RecordedRollbackDeployment : IRollbackDeployment
{
    public List<string> Calls { get; } = [];

    /// <summary>What Verify's gates say about the version asked for.</summary>
    public bool PreviousVersionVerifies { get; init; } = true;

    /// <summary>The journal's outcome on disk when the agents were asked to move back (with <see cref="JournalFile"/>).</summary>
    public UpgradeOutcome? OutcomeOnDiskWhenAgentsMoved { get; private set; }

    /// <summary>What the rollback had recorded when the agents were asked to move back (with <see cref="Record"/>).</summary>
    public IReadOnlyList<string>? RecordedWhenAgentsMoved { get; private set; }

    public Task<IReadOnlyList<StoppedContainer>> StopAsync(IReadOnlyCollection<string> services, CancellationToken cancellationToken)
    {
        Calls.Add("stop " + string.Join(",", services));
        return Task.FromResult<IReadOnlyList<StoppedContainer>>([]);
    }

    public Task<IReadOnlyDictionary<string, long>> CaptureWriteCountersAsync(CancellationToken cancellationToken) =>
        throw new InvalidOperationException("a rollback does not measure the write window");

    /// <summary>The horizon Stop records; null: PostgreSQL refuses to give one.</summary>
    public TransactionHorizon? Horizon { get; init; }

    /// <summary>PostgreSQL's answers to the rollback's checks, in order; when none is left it refuses the query.</summary>
    public Queue<HorizonCheck> HorizonChecks { get; } = new();

    public Task<TransactionHorizon> RecordTransactionHorizonAsync(CancellationToken cancellationToken)
    {
        Calls.Add("record horizon");
        return Horizon is { } horizon ? Task.FromResult(horizon) : throw new InvalidOperationException("permission denied for function pg_current_snapshot");
    }

    public Task<HorizonCheck> CheckSinceHorizonAsync(TransactionHorizon horizon, CancellationToken cancellationToken)
    {
        Calls.Add("check horizon");
        return HorizonChecks.TryDequeue(out var check) ? Task.FromResult(check) : throw new InvalidOperationException("function pg_xact_status(xid8) does not exist");
    }

    public Task<RestoreResult> RestoreDatabaseAsync(string archive, CancellationToken cancellationToken)
    {
        Calls.Add("restore " + archive);
        Database = Database with { Oid = Database.Oid + 1 };
        return Task.FromResult(new RestoreResult(archive, "nexplane", "nexplane_failed", false, BackupMode.Host, 1.5));
    }

    /// <summary>The database the deployment uses: another oid once a restore swapped one in.</summary>
    public DatabaseIdentity Database { get; set; } = new("7000000000000000001", 16384, "nexplane");

    public Task<DatabaseIdentity> DatabaseIdentityAsync(CancellationToken cancellationToken) => Task.FromResult(Database);

    public void PinTags(IReadOnlyList<(string Service, string Tag)> pins) =>
        Calls.Add("pin " + string.Join(",", pins.Select(pin => $"{pin.Service}={pin.Tag}")));

    /// <summary>The operator cancels the run while the services start.</summary>
    public bool CancelledWhileStarting { get; init; }

    public Task<DateTimeOffset> StartAsync(IReadOnlyCollection<string> services, CancellationToken cancellationToken)
    {
        Calls.Add("start " + string.Join(",", services));
        return CancelledWhileStarting ? Task.FromCanceled<DateTimeOffset>(new CancellationToken(canceled: true)) : Task.FromResult(DateTimeOffset.UnixEpoch);
    }

    /// <summary>How the previous backend fails to start; null: it starts.</summary>
    public MigrationFailedException? PreviousBackendStartFailure { get; init; }

    public Task WatchBackendStartAsync(string outputFile, DateTimeOffset startedSince, CancellationToken cancellationToken)
    {
        Calls.Add("watch backend start");
        return PreviousBackendStartFailure is { } failure ? Task.FromException(failure) : Task.CompletedTask;
    }

    public Task WaitUntilHealthyAsync(CancellationToken cancellationToken)
    {
        Calls.Add("wait for health");
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<VerificationGate>> VerifyAsync(NexplaneVersion version, CancellationToken cancellationToken)
    {
        Calls.Add("verify " + version);
        IReadOnlyList<VerificationGate> gates =
        [
            new("version", PreviousVersionVerifies, PreviousVersionVerifies ? $"reports {version}" : "reports 0.3.0"),
            new("login", true, "token received"),
        ];
        return Task.FromResult(gates);
    }

    /// <summary>Whether the control plane accepts the login.</summary>
    public bool LoginPasses { get; init; } = true;

    public Task<(VerificationGate Gate, string? Token)> LogInAsync(CancellationToken cancellationToken)
    {
        Calls.Add("log in");
        return Task.FromResult<(VerificationGate, string?)>(LoginPasses
            ? (new VerificationGate("login", true, "token received"), "token")
            : (new VerificationGate("login", false, "401 Unauthorized"), null));
    }

    public Task<IReadOnlyList<AgentHostOutcome>> RollBackAgentsWithAnsibleAsync(IReadOnlyList<(AgentHost Host, string? OldVersion)> hosts, string newVersion,
        string token, AnsibleInventorySource? inventory, CancellationToken cancellationToken)
    {
        Calls.Add($"ansible-playbook rollback of {string.Join(", ", hosts.Select(h => $"{h.Host.Name} to {h.OldVersion}"))}" +
                  (inventory is null ? "" : $" from {inventory}"));
        return Task.FromResult<IReadOnlyList<AgentHostOutcome>>(hosts.Select(h =>
            new AgentHostOutcome(h.Host.Name, AgentHostResult.RolledBack, newVersion, h.OldVersion, "registered again", 0)).ToArray());
    }

    /// <summary>What the inventory group gives a rollback: the hosts Ansible reaches, and the problems of the others.</summary>
    public AnsibleInventoryHostsResult InventoryHosts { get; set; } = new([], []);

    public Task<AnsibleInventoryHostsResult> InventoryAgentHostsAsync(AnsibleInventorySource inventory, CancellationToken cancellationToken)
    {
        Calls.Add($"read and probe {inventory}");
        return Task.FromResult(InventoryHosts);
    }

    public Task<AgentHostOutcome> RollBackAgentAsync(AgentHost host, string? oldVersion, string newVersion, string token, CancellationToken cancellationToken)
    {
        Calls.Add($"roll back agent {host.Name} to {oldVersion}");
        if (JournalFile is not null)
            OutcomeOnDiskWhenAgentsMoved = UpgradeJournal.Load(JournalFile).Outcome;
        RecordedWhenAgentsMoved = Record?.Checkpoints.ToArray();
        return Task.FromResult(new AgentHostOutcome(host.Name, AgentHostResult.RolledBack, newVersion, oldVersion, "registered again", 0));
    }

    /// <summary>The agents the control plane lists, as registered now.</summary>
    public List<RegisteredAgent> RegisteredAgents { get; } = [];

    public Task<IReadOnlyList<RegisteredAgent>> RegisteredAgentsAsync(string token, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<RegisteredAgent>>(RegisteredAgents);

    /// <summary>The journal of the upgrade rolled back, read when the agents move.</summary>
    public string? JournalFile { get; set; }

    /// <summary>The rollback's record, read when the agents move.</summary>
    public RecordedRollbackProgress? Record { get; set; }
}
