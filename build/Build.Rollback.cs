using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Journal;
using Nexplane.Upgrade.Processes;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Runs;
using Nuke.Common;
using Serilog;

partial class Build
{
    [Parameter("Continue an interrupted upgrade from its last completed step")]
    readonly bool Resume;

    [Parameter("Journal id of the upgrade to roll back (default: the unfinished one, else the last one)")]
    readonly string? UpgradeId;

    bool UpgradeFailedPastPointOfNoReturn =>
        Runbook.PastPointOfNoReturn.Any(step => FailedTargets.Contains(step.ToString()) || AbortedTargets.Contains(step.ToString()));

    /// <summary>The target that performs a runbook step: NUKE's targets are properties named like the step.</summary>
    Target TargetOf(RunbookStep step) =>
        (Target)typeof(Build).GetProperty(step.ToString(), System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!
            .GetValue(this)!;

    /// <summary>Printed as the skip reason, so it reads as the rule it is.</summary>
    bool RollbackNeeded => InvokedTargets.Contains(Rollback) || UpgradeFailedPastPointOfNoReturn;

    /// <summary>
    /// NUKE's rollback pattern: planned with the upgrade steps, assured to run after a failure (and after Ctrl+C),
    /// and skipped unless a step past the point of no return failed, or it was invoked directly. It undoes exactly
    /// what the journal says was done, in reverse, and ends on the previous version verified healthy, or says
    /// plainly that a human is needed and what to run next.
    /// </summary>
    Target Rollback => _ => _
        .Description("Undoes an upgrade from its journal: old images, restored database, old version verified")
        .TriggeredBy(Runbook.PastPointOfNoReturn.Select(TargetOf).ToArray())
        .AssuredAfterFailure()
        .OnlyWhenDynamic(() => RollbackNeeded)
        .Requires(() => ComposeFile)
        .Requires(() => ApiUrl)
        .Executes(async cancellationToken =>
        {
            var upgradeRanInThisRun = Journal is not null;
            var journal = JournalToRollBack();
            var startedSteps = upgradeRanInThisRun
                ? Runbook.Named(ExecutionPlan.Where(t => t.Status is ExecutionStatus.Failed or ExecutionStatus.Aborted or ExecutionStatus.Succeeded)
                    .Select(t => t.Name))
                : RollbackPlan.StartedStepsOfInterruptedRun(journal);
            var plan = RollbackPlan.For(journal, startedSteps);
            Log.Information("Rolling back upgrade {Id} ({From} -> {To}): {Explanation}", journal.Id, journal.FromVersion ?? "?",
                journal.ToVersion ?? "?", plan.Explanation);
            if (plan.NothingToUndo)
            {
                journal.Outcome = UpgradeOutcome.NothingChanged;
                journal.Save();
                ReportSummary(summary => summary["Undone"] = "nothing to undo");
                return;
            }

            IReadOnlyList<Nexplane.Upgrade.Agents.AgentHostOutcome> agentsLeft;
            try
            {
                agentsLeft = await UndoAsync(journal, plan, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                Report.Outcome = "needs a human";
                Report.NextSteps.Add($"Rollback of upgrade {journal.Id} did not finish: {exception.Message}");
                Report.NextSteps.Add($"The journal {journal.FilePath} still records the upgrade as unfinished; ./build.sh Status shows it, " +
                                     "./build.sh Rollback retries, ./build.sh Restore --backup-file <file> restores a backup alone.");
                Log.Error("Needs a human: the rollback did not finish ({Reason}). Retry with ./build.sh Rollback, or restore by hand " +
                          "with ./build.sh Restore --backup-file {Backup}", exception.Message, journal.BackupFile ?? "<file>");
                throw;
            }
            finally
            {
                if (journal.MigrationErrorFile is not null)
                    ReportBackendFailureCause(journal.MigrationErrorFile);
            }
            if (agentsLeft.Count > 0)
            {
                Report.NextSteps.AddRange(agentsLeft.Select(o => $"Agent host {o}"));
                throw new InvalidOperationException(
                    $"The control plane is rolled back and healthy on {journal.FromVersion}, but {agentsLeft.Count} agent host(s) still run " +
                    $"{journal.ToVersion}:" + Environment.NewLine + string.Join(Environment.NewLine, agentsLeft.Select(o => "  " + o)));
            }
        });

    /// <summary>
    /// After a failed start of the new backend: its configuration for the operator to fix, or else an issue to file
    /// with the saved output (the tracker of --github-repository).
    /// </summary>
    void ReportBackendFailureCause(string outputFile)
    {
        if (File.Exists(outputFile) && StartupFailure.ConfigurationLine(File.ReadAllText(outputFile)) is { } configuration)
            Log.Warning("The new backend stopped on its configuration: {Line}. Set what it names in the deployment's .env (or compose file), " +
                        "then upgrade again; its full output is saved in {File}", configuration, outputFile);
        else
            Log.Warning("The new backend failed while migrating or starting. Please file an issue at {Tracker} with its full output, saved in {File}",
                $"https://github.com/{GitHubRepository}/issues", outputFile);
    }

    /// <summary>
    /// Follows the previous backend's startup like StartBackend does, so a previous version that cannot start (a
    /// crash loop on the restored database) is reported at once with its own error, not after --health-timeout.
    /// </summary>
    async Task WatchPreviousBackendStartAsync(UpgradeJournal journal, DateTimeOffset startedSince, CancellationToken cancellationToken)
    {
        var containers = await ContainersAsync(cancellationToken);
        var backend = (await containers.OfServiceAsync(BackendService, cancellationToken)).OrderByDescending(c => c.StartedAt).FirstOrDefault();
        if (backend is null)
            return;
        var output = UpgradeStateDirectory / $"rollback-output-{journal.Id}.log";
        try
        {
            await new MigrationLogWatcher(await DockerAsync(cancellationToken), line => Log.Information("{Line}", line), SecretRedactor.Redact)
                .WatchAsync(backend.Id, HealthTimeout, output, StartedSince(startedSince, backend), cancellationToken);
        }
        catch (MigrationFailedException failure)
        {
            throw new InvalidOperationException(
                $"the previous version's backend does not start ({failure.Message}); its output is saved in {failure.OutputFile}", failure);
        }
    }

    /// <summary>The upgrade this run performs, or (invoked directly) the unfinished one, a named one, or the last one.</summary>
    UpgradeJournal JournalToRollBack()
    {
        if (Journal is not null)
            return Journal;
        HeldLock ??= UpgradeLock.Acquire(UpgradeStateDirectory, ComposeFilePath, "./build.sh Rollback", RemoveStaleLock);
        Journal = (UpgradeId is not null ? Journals.Find(UpgradeId) : Journals.Unfinished(ComposeFilePath) ?? Journals.Latest(ComposeFilePath))
            ?? throw new InvalidOperationException(
                $"No upgrade of {ComposeFilePath} is recorded in {UpgradeStateDirectory}" + (UpgradeId is null ? "" : $" with id {UpgradeId}") +
                ": there is nothing to roll back. To put a backup back alone, run ./build.sh Restore --backup-file <file>.");
        if (Journal.Outcome is UpgradeOutcome.RolledBack or UpgradeOutcome.NothingChanged)
            throw new InvalidOperationException($"Upgrade {Journal.Id} ({Journal.FromVersion} -> {Journal.ToVersion}) is already {Journal.Outcome.Value.ToText()}; nothing to roll back.");
        return Journal;
    }

    /// <summary>Undoes the upgrade; returns the agent hosts that could not be put back (the control plane is rolled back then).</summary>
    async Task<IReadOnlyList<Nexplane.Upgrade.Agents.AgentHostOutcome>> UndoAsync(UpgradeJournal journal, RollbackPlan plan, CancellationToken cancellationToken)
    {
        var previous = NexplaneVersion.Parse(journal.FromVersion
            ?? throw new InvalidOperationException($"The journal {journal.FilePath} does not say which version ran before."));
        // The frontend keeps serving the old version until its own step; it is only touched when that step began.
        var services = journal.PreviousImages.Keys
            .Where(service => !ProtectedServices.Contains(service) && (plan.RevertFrontend || service != FrontendService))
            .ToArray();

        if (plan.StopAppServices)
        {
            var stopper = new GracefulServiceStopper(await DockerAsync(cancellationToken), await ContainersAsync(cancellationToken),
                new ProtectedServices(ProtectedServices), line => Log.Information("{Line}", line));
            await stopper.StopAsync(services, StopTimeout, cancellationToken);
        }
        if (plan.RestoreDatabase)
        {
            var restored = await RestoreBackupAsync(journal.BackupFile!, cancellationToken);
            Log.Information("Database restored from {Archive} in {Seconds:0.0} s" + (restored.KeptFailedDatabase is null ? "" : "; the upgraded one is kept as {Kept}"),
                restored.Archive, restored.Seconds, restored.KeptFailedDatabase);
        }
        if (plan.RestoreFiles)
            foreach (var file in journal.RestoreOriginalFiles())
                Log.Information("Restored {File} byte for byte from the copy taken before the upgrade", file);

        var startedSince = await ComposeUpAsync(services, cancellationToken);
        await WatchPreviousBackendStartAsync(journal, startedSince, cancellationToken);
        await new HealthWaiter(Http).WaitAsync(new Uri(ApiUri.ToString().TrimEnd('/') + "/health"), HealthTimeout, "--health-timeout", cancellationToken);

        var gates = await new DeploymentVerifier(Http).VerifyAsync(ApiUri, VersionEndpoints.Select(VersionEndpoint.Parse).ToArray(), previous,
            LoginEmail, SecretFromDeployment(LoginPassword, LoginPasswordVariable), cancellationToken);
        foreach (var gate in gates)
            Log.Information("{Gate}", gate.ToString());
        if (gates.Any(gate => !gate.Passed))
            throw new InvalidOperationException($"the previous version {previous} does not verify: " +
                                                string.Join("; ", gates.Where(g => !g.Passed).Select(g => g.ToString())));

        // The control plane is back, and recorded so: a rerun must not restore the database again. Then the agents
        // this upgrade moved follow it (they were upgraded only after Verify); a host that cannot is reported, not retried.
        journal.Outcome = UpgradeOutcome.RolledBack;
        journal.Save();
        var agentsLeft = journal.UpgradedAgents.Count > 0 ? await RollBackAgentsAsync(journal, cancellationToken) : [];
        var agents = journal.UpgradedAgents.Count == 0
            ? ""
            : $", agents {journal.UpgradedAgents.Count - agentsLeft.Count}/{journal.UpgradedAgents.Count} back on their previous version";
        Report.Outcome = $"rolled back and healthy on {previous}{agents}";
        Log.Information("Rolled back and healthy: Nexplane runs {Version} again{Database}{Agents}", previous.ToString(),
            plan.RestoreDatabase ? " on the restored database" : "", agents);
        ReportSummary(summary => summary["Outcome"] = $"rolled back, healthy on {previous}{agents}");
        return agentsLeft;
    }
}
