using System.Runtime.ExceptionServices;
using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Operator;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Time;

namespace Nexplane.Upgrade.Steps.Rollback;

/// <summary>What the rollback acts on.</summary>
/// <param name="Journal">
/// The upgrade to roll back, as its journal records it. The step reads it (and puts the compose file and .env back
/// from the copies it keeps); what the rollback records goes through <see cref="IRollbackRecord"/>.
/// </param>
/// <param name="Plan">What to undo, from how far the upgrade got.</param>
public sealed record RollbackInput(UpgradeJournal Journal, RollbackPlan Plan, RollbackSettings Settings);

/// <summary>What the rollback leaves for the run's report.</summary>
/// <param name="NothingToUndo">The upgrade ended before Stop: it changed nothing.</param>
/// <param name="Outcome">The report's outcome; null when the rollback was cancelled before it had one.</param>
/// <param name="DatabaseRollback">What happened to the database and why; null when the plan did not touch it (or did not get there).</param>
/// <param name="Restored">The restore, when the rollback restored the backup.</param>
/// <param name="Agents">Each moved agent host's outcome, once their rollback ran.</param>
/// <param name="NextSteps">What the operator does next: a rollback that did not finish, or agent hosts left on the new version.</param>
/// <param name="Unfinished">Why the rollback did not end well; the run rethrows it once it recorded the rest.</param>
public sealed record RollbackResult(
    bool NothingToUndo,
    string? Outcome,
    string? DatabaseRollback,
    RestoreResult? Restored,
    IReadOnlyList<AgentHostOutcome> Agents,
    IReadOnlyList<string> NextSteps,
    ExceptionDispatchInfo? Unfinished);

/// <summary>
/// The rollback: undoes exactly what the journal says was done, in reverse, and ends verified or with a human's next
/// command. It decides and says; its progress goes into the record as it happens, and the run records the result.
/// </summary>
public sealed class RollbackStep(IRunOutput output, Clock? clock = null)
{
    readonly Clock _clock = clock ?? Clock.System;

    /// <summary>What the undoing got to, kept when it fails part of the way.</summary>
    sealed class Progress
    {
        public string? Outcome;
        public string? DatabaseRollback;
        public RestoreResult? Restored;
        public IReadOnlyList<AgentHostOutcome> Agents = [];
    }

    public async Task<RollbackResult> RunAsync(RollbackInput input, IRollbackDeployment deployment, IRollbackRecord record,
        CancellationToken cancellationToken)
    {
        var (journal, plan, settings) = input;
        output.Information("Rolling back upgrade {Id} ({From} -> {To}): {Explanation}", journal.Id, journal.FromVersion ?? "?",
            journal.ToVersion ?? "?", plan.Explanation);
        if (plan.NothingToUndo)
        {
            output.Summary("Undone", "nothing to undo");
            return new RollbackResult(true, $"nothing was changed; Nexplane still runs {journal.FromVersion ?? "the previous version"}", null, null, [], [], null);
        }

        var progress = new Progress();
        IReadOnlyList<string> nextSteps = [];
        ExceptionDispatchInfo? unfinished = null;
        try
        {
            await UndoAsync(input, deployment, record, progress, cancellationToken);
        }
        catch (Exception exception)
        {
            unfinished = ExceptionDispatchInfo.Capture(exception);
            if (exception is not OperationCanceledException)
            {
                var commands = settings.Advice;
                progress.Outcome = "needs a human";
                nextSteps =
                [
                    $"Rollback of upgrade {journal.Id} did not finish: {exception.Message}",
                    $"The journal {journal.FilePath} still records the upgrade as unfinished; {commands.Status} shows it, " +
                    $"{commands.Rollback} retries, {commands.RestoreBackup} <file> restores a backup alone.",
                ];
                output.Error($"Needs a human: the rollback did not finish ({{Reason}}). Retry with {commands.Rollback}, or restore by hand " +
                             $"with {commands.RestoreBackup} {{Backup}}", exception.Message, journal.BackupFile ?? "<file>");
            }
        }
        finally
        {
            if (journal.MigrationErrorFile is not null)
                ReportBackendFailureCause(journal.MigrationErrorFile, settings.IssueTracker);
        }
        var agentsLeft = progress.Agents.Where(o => o.Result != AgentHostResult.RolledBack).ToArray();
        if (unfinished is null && agentsLeft.Length > 0)
        {
            nextSteps = agentsLeft.Select(o => $"Agent host {o}").ToArray();
            unfinished = ExceptionDispatchInfo.Capture(new InvalidOperationException(
                $"The control plane is rolled back and healthy on {journal.FromVersion}, but {agentsLeft.Length} agent host(s) still run " +
                $"{journal.ToVersion}:" + Environment.NewLine + string.Join(Environment.NewLine, agentsLeft.Select(o => "  " + o))));
        }
        return new RollbackResult(false, progress.Outcome, progress.DatabaseRollback, progress.Restored, progress.Agents,
            [.. progress.Restored?.NextSteps ?? [], .. nextSteps], unfinished);
    }

    /// <summary>Undoes the upgrade; the agent hosts that cannot be put back are left in <paramref name="progress"/> (the control plane is rolled back then).</summary>
    async Task UndoAsync(RollbackInput input, IRollbackDeployment deployment, IRollbackRecord record, Progress progress,
        CancellationToken cancellationToken)
    {
        var (journal, plan, settings) = input;
        var previous = NexplaneVersion.Parse(journal.FromVersion
            ?? throw new InvalidOperationException($"The journal {journal.FilePath} does not say which version ran before."));
        // The frontend keeps serving the old version until its own step; it is only touched when that step began.
        var services = journal.PreviousImages.Keys
            .Where(service => !settings.ProtectedServices.Contains(service) && (plan.RevertFrontend || service != settings.FrontendService))
            .ToArray();

        var agentRollback = new AgentRollback(output);
        // What each moved agent registers, read while the control plane still runs what the upgrade left: after a
        // restore the list is the backup's, from before the upgrade, and says nothing about the hosts now.
        var agentsBefore = journal.UpgradedAgents.Count > 0 ? await agentRollback.RegisteredVersionsAsync(deployment, cancellationToken) : null;
        record.Began();
        if (plan.StopAppServices)
            await deployment.StopAsync(services, cancellationToken);
        // The new version is stopped now: nothing of it can commit any more, so PostgreSQL's answer holds.
        var database = plan.RestoreDatabase
            ? await new TransactionHorizonProof(_clock, settings.InProgressSettleTime).DecideAsync(journal.TransactionHorizon, deployment, cancellationToken)
            : null;
        if (database is { Restore: true })
        {
            output.Information("Restoring the database: {Reason}", database.Reason);
            var restored = await deployment.RestoreDatabaseAsync(journal.BackupFile!, cancellationToken);
            output.Information("Database restored from {Archive} in {Seconds:0.0} s" + (restored.KeptFailedDatabase is null ? "" : "; the upgraded one is kept as {Kept}"),
                restored.Archive, restored.Seconds, restored.KeptFailedDatabase);
            progress.Restored = restored;
            progress.DatabaseRollback = $"restored from {restored.Archive}: {database.Reason}";
            record.DatabaseRestored(await deployment.DatabaseIdentityAsync(cancellationToken));
        }
        else if (database is { Restore: false })
        {
            output.Information("Database not restored: {Reason}. It is as the previous version left it at Stop; the writes made between the backup " +
                               "and the stop stay in it", database.Reason);
            progress.DatabaseRollback = $"not restored: {database.Reason}";
            output.Summary("Database", "not restored: nothing committed since Stop");
        }
        if (plan.RestoreFiles)
            RestoreFiles(journal, services, deployment);

        var startedSince = await deployment.StartAsync(services, cancellationToken);
        await WatchPreviousBackendStartAsync(journal, startedSince, deployment, cancellationToken);
        await deployment.WaitUntilHealthyAsync(cancellationToken);
        var gates = await deployment.VerifyAsync(previous, cancellationToken);
        foreach (var gate in gates)
            output.Information("{Gate}", gate.ToString());
        var failed = gates.Where(gate => !gate.Passed).ToArray();
        if (failed.Length > 0)
            throw new InvalidOperationException($"the previous version {previous} does not verify: " + string.Join("; ", failed.Select(g => g.ToString())));

        // The control plane is back, and recorded so before the agents this upgrade moved follow it (they were
        // upgraded only after Verify); a host that cannot is reported, not retried.
        record.ControlPlaneRolledBack();
        if (journal.UpgradedAgents.Count > 0)
            progress.Agents = await agentRollback.RollBackAsync(journal.UpgradedAgents, journal.ToVersion ?? "?", settings, deployment, agentsBefore,
                cancellationToken, journal.AgentEngine, journal.AgentInventory);
        var agentsLeft = progress.Agents.Count(o => o.Result != AgentHostResult.RolledBack);
        var agents = journal.UpgradedAgents.Count == 0
            ? ""
            : $", agents {journal.UpgradedAgents.Count - agentsLeft}/{journal.UpgradedAgents.Count} back on their previous version";
        progress.Outcome = $"rolled back and healthy on {previous}{agents}";
        output.Information("Rolled back and healthy: Nexplane runs {Version} again{Database}{Agents}", previous.ToString(),
            database switch
            {
                { Restore: true } => " on the restored database",
                { Restore: false } => " on its own database, not restored: PostgreSQL shows nothing committed since Stop",
                _ => "",
            }, agents);
        output.Summary("Outcome", $"rolled back, healthy on {previous}{agents}{(database is { Restore: false } ? "; database not restored (nothing committed since Stop)" : "")}");
    }

    /// <summary>
    /// Puts the compose file and .env back byte for byte where they are still exactly as the upgrade wrote them. One
    /// edited since (new secrets, a variable the running release needs) keeps its contents: only the previous image
    /// tags go back into it, as the upgrade pinned the new ones.
    /// </summary>
    void RestoreFiles(UpgradeJournal journal, IReadOnlyCollection<string> services, IRollbackDeployment deployment)
    {
        var (restored, editedSince) = journal.RestoreOriginalFiles();
        foreach (var file in restored)
            output.Information("Restored {File} byte for byte from the copy taken before the upgrade", file);
        if (editedSince.Count == 0)
            return;
        foreach (var file in editedSince)
            output.Warning("{File} was edited since the upgrade wrote it: it keeps its contents, and only the previous image tags go back into it", file);
        deployment.PinTags(services
            .Where(journal.PreviousImages.ContainsKey)
            .Select(service => (service, ImageReference.Parse(journal.PreviousImages[service]).Tag
                                         ?? throw new InvalidOperationException($"The journal records no tag for {service}'s previous image {journal.PreviousImages[service]}.")))
            .ToArray());
    }

    /// <summary>
    /// Follows the previous backend's startup like StartBackend does, so a previous version that cannot start (a
    /// crash loop on the restored database) is reported at once with its own error, not after the health timeout.
    /// </summary>
    static async Task WatchPreviousBackendStartAsync(UpgradeJournal journal, DateTimeOffset startedSince, IRollbackDeployment deployment,
        CancellationToken cancellationToken)
    {
        var output = Path.Combine(Path.GetDirectoryName(journal.FilePath)!, $"rollback-output-{journal.Id}.log");
        try
        {
            await deployment.WatchBackendStartAsync(output, startedSince, cancellationToken);
        }
        catch (MigrationFailedException failure)
        {
            throw new InvalidOperationException(
                $"the previous version's backend does not start ({failure.Message}); its output is saved in {failure.OutputFile}", failure);
        }
    }

    /// <summary>
    /// After a failed start of the new backend: its configuration for the operator to fix, or else an issue to file
    /// with the saved output.
    /// </summary>
    void ReportBackendFailureCause(string outputFile, string issueTracker)
    {
        if (StartupFailure.ConfigurationLineIn(outputFile) is { } configuration)
            output.Warning("The new backend stopped on its configuration: {Line}. Set what it names in the deployment's .env (or compose file), " +
                           "then upgrade again; its full output is saved in {File}", configuration, outputFile);
        else
            output.Warning("The new backend failed while migrating or starting. Please file an issue at {Tracker} with its full output, saved in {File}",
                issueTracker, outputFile);
    }
}
