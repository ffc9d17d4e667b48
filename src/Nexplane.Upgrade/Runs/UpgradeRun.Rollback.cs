using Nexplane.Upgrade.Operator;
using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Releases;

namespace Nexplane.Upgrade.Runs;

/// <summary>The rollback: undoes exactly what the journal says was done, in reverse, and ends verified or with a human's next command.</summary>
public sealed partial class UpgradeRun
{
    /// <summary>
    /// The upgrade to roll back: this run's, or (invoked directly) the named one, the unfinished one, or the last one
    /// that got past Preflight (a Preflight alone, a dry run or a refused upgrade run since must not hide it). One that
    /// already ended rolled back or unchanged is refused: never an older upgrade behind it.
    /// </summary>
    public UpgradeJournal ChooseJournalToRollBack(JournalStore journals, string composeFile, string? upgradeId, OperatorCommands commands)
    {
        if (Journal is not null)
            return Journal;
        Journal = (upgradeId is not null ? journals.Find(upgradeId) : journals.Unfinished(composeFile) ?? journals.LatestPastPreflight(composeFile))
            ?? throw new InvalidOperationException(
                $"No upgrade of {composeFile} that got past Preflight is recorded in {journals.Directory}" + (upgradeId is null ? "" : $" with id {upgradeId}") +
                $": there is nothing to roll back. To put a backup back alone, run {commands.RestoreBackup} <file>.");
        if (Journal.Outcome is UpgradeOutcome.RolledBack or UpgradeOutcome.NothingChanged || Journal.Outcome is UpgradeOutcome.Superseded && upgradeId is null)
            throw new InvalidOperationException(
                $"Upgrade {Journal.Id} ({Journal.FromVersion} -> {Journal.ToVersion}) is already {Journal.Outcome.Value.ToText()}; nothing to roll back.");
        return Journal;
    }

    /// <summary>The rollback found the upgrade had ended before Stop: it changed nothing, so there was nothing to roll back.</summary>
    public bool RollbackFoundNothingToUndo { get; private set; }

    /// <summary>
    /// Rolls back <see cref="Journal"/>. <paramref name="stepsStartedInThisRun"/> are the steps this run began; null
    /// when the upgrade ran in an earlier process, whose journal then tells how far it got.
    /// </summary>
    public async Task RollBackAsync(IReadOnlyCollection<RunbookStep>? stepsStartedInThisRun, RollbackSettings settings,
        IRollbackDeployment deployment, CancellationToken cancellationToken)
    {
        var journal = Journal ?? throw new InvalidOperationException("Choose the upgrade to roll back first.");
        var plan = RollbackPlan.For(journal, stepsStartedInThisRun ?? RollbackPlan.StartedStepsOfInterruptedRun(journal));
        output.Information("Rolling back upgrade {Id} ({From} -> {To}): {Explanation}", journal.Id, journal.FromVersion ?? "?",
            journal.ToVersion ?? "?", plan.Explanation);
        if (plan.NothingToUndo)
        {
            journal.Outcome = UpgradeOutcome.NothingChanged;
            journal.Save();
            RollbackFoundNothingToUndo = true;
            Report.Outcome = $"nothing was changed; Nexplane still runs {journal.FromVersion ?? "the previous version"}";
            output.Summary("Undone", "nothing to undo");
            return;
        }

        IReadOnlyList<AgentHostOutcome> agentsLeft;
        try
        {
            agentsLeft = await UndoAsync(journal, plan, settings, deployment, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            var commands = settings.Commands;
            Report.Outcome = "needs a human";
            Report.NextSteps.Add($"Rollback of upgrade {journal.Id} did not finish: {exception.Message}");
            Report.NextSteps.Add($"The journal {journal.FilePath} still records the upgrade as unfinished; {commands.Status} shows it, " +
                                 $"{commands.Rollback} retries, {commands.RestoreBackup} <file> restores a backup alone.");
            output.Error($"Needs a human: the rollback did not finish ({{Reason}}). Retry with {commands.Rollback}, or restore by hand " +
                         $"with {commands.RestoreBackup} {{Backup}}", exception.Message, journal.BackupFile ?? "<file>");
            throw;
        }
        finally
        {
            if (journal.MigrationErrorFile is not null)
                ReportBackendFailureCause(journal.MigrationErrorFile, settings.Commands);
        }
        if (agentsLeft.Count > 0)
        {
            Report.NextSteps.AddRange(agentsLeft.Select(o => $"Agent host {o}"));
            throw new InvalidOperationException(
                $"The control plane is rolled back and healthy on {journal.FromVersion}, but {agentsLeft.Count} agent host(s) still run " +
                $"{journal.ToVersion}:" + Environment.NewLine + string.Join(Environment.NewLine, agentsLeft.Select(o => "  " + o)));
        }
    }

    /// <summary>Undoes the upgrade; returns the agent hosts that could not be put back (the control plane is rolled back then).</summary>
    async Task<IReadOnlyList<AgentHostOutcome>> UndoAsync(UpgradeJournal journal, RollbackPlan plan, RollbackSettings settings,
        IRollbackDeployment deployment, CancellationToken cancellationToken)
    {
        var previous = NexplaneVersion.Parse(journal.FromVersion
            ?? throw new InvalidOperationException($"The journal {journal.FilePath} does not say which version ran before."));
        // The frontend keeps serving the old version until its own step; it is only touched when that step began.
        var services = journal.PreviousImages.Keys
            .Where(service => !settings.ProtectedServices.Contains(service) && (plan.RevertFrontend || service != settings.FrontendService))
            .ToArray();

        // What each moved agent registers, read while the control plane still runs what the upgrade left: after a
        // restore the list is the backup's, from before the upgrade, and says nothing about the hosts now.
        var agentsBefore = journal.UpgradedAgents.Count > 0 ? await RegisteredVersionsAsync(deployment, cancellationToken) : null;
        // From here the deployment may stand anywhere between the two versions; a retried rollback must expect that.
        journal.RollbackBegan = true;
        journal.Save();
        if (plan.StopAppServices)
            await deployment.StopAsync(services, cancellationToken);
        // The new version is stopped now: nothing of it can commit any more, so PostgreSQL's answer holds.
        var database = plan.RestoreDatabase ? await DecideRestoreAsync(journal, deployment, cancellationToken) : null;
        if (database is { Restore: true })
        {
            output.Information("Restoring the database: {Reason}", database.Reason);
            var restored = await deployment.RestoreDatabaseAsync(journal.BackupFile!, cancellationToken);
            output.Information("Database restored from {Archive} in {Seconds:0.0} s" + (restored.KeptFailedDatabase is null ? "" : "; the upgraded one is kept as {Kept}"),
                restored.Archive, restored.Seconds, restored.KeptFailedDatabase);
            Report.DatabaseRollback = $"restored from {restored.Archive}: {database.Reason}";
            // The restored database is a new one (another oid): a retried rollback must recognise it as this rollback's.
            journal.DatabaseIdentity = await deployment.DatabaseIdentityAsync(cancellationToken);
            journal.Save();
        }
        else if (database is { Restore: false })
        {
            output.Information("Database not restored: {Reason}. It is as the previous version left it at Stop; the writes made between the backup " +
                               "and the stop stay in it", database.Reason);
            Report.DatabaseRollback = $"not restored: {database.Reason}";
            output.Summary("Database", "not restored: nothing committed since Stop");
        }
        if (plan.RestoreFiles)
            RestoreFiles(journal, services, deployment);

        var startedSince = await deployment.StartAsync(services, cancellationToken);
        await WatchPreviousBackendStartAsync(journal, startedSince, deployment, cancellationToken);
        await deployment.WaitUntilHealthyAsync(cancellationToken);
        var failed = LogGates(await deployment.VerifyAsync(previous, cancellationToken)).Where(gate => !gate.Passed).ToArray();
        if (failed.Length > 0)
            throw new InvalidOperationException($"the previous version {previous} does not verify: " + string.Join("; ", failed.Select(g => g.ToString())));

        // The control plane is back, and recorded so: a rerun must not restore the database again. Then the agents
        // this upgrade moved follow it (they were upgraded only after Verify); a host that cannot is reported, not retried.
        journal.Outcome = UpgradeOutcome.RolledBack;
        journal.Save();
        var agentsLeft = journal.UpgradedAgents.Count > 0 ? await RollBackAgentsAsync(journal, settings, deployment, agentsBefore, cancellationToken) : [];
        var agents = journal.UpgradedAgents.Count == 0
            ? ""
            : $", agents {journal.UpgradedAgents.Count - agentsLeft.Count}/{journal.UpgradedAgents.Count} back on their previous version";
        Report.Outcome = $"rolled back and healthy on {previous}{agents}";
        output.Information("Rolled back and healthy: Nexplane runs {Version} again{Database}{Agents}", previous.ToString(),
            database switch
            {
                { Restore: true } => " on the restored database",
                { Restore: false } => " on its own database, not restored: PostgreSQL shows nothing committed since Stop",
                _ => "",
            }, agents);
        output.Summary("Outcome", $"rolled back, healthy on {previous}{agents}{(database is { Restore: false } ? "; database not restored (nothing committed since Stop)" : "")}");
        return agentsLeft;
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
            .Select(service => (service, Compose.ImageReference.Parse(journal.PreviousImages[service]).Tag
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
    void ReportBackendFailureCause(string outputFile, OperatorCommands commands)
    {
        if (File.Exists(outputFile) && StartupFailure.ConfigurationLine(File.ReadAllText(outputFile)) is { } configuration)
            output.Warning("The new backend stopped on its configuration: {Line}. Set what it names in the deployment's .env (or compose file), " +
                           "then upgrade again; its full output is saved in {File}", configuration, outputFile);
        else
            output.Warning("The new backend failed while migrating or starting. Please file an issue at {Tracker} with its full output, saved in {File}",
                commands.IssueTracker, outputFile);
    }
}
