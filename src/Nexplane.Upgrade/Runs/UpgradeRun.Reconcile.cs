using Nexplane.Upgrade.Operator;
using Nexplane.Upgrade.Runbook;

namespace Nexplane.Upgrade.Runs;

/// <summary>
/// Reconcile before acting: a command that acts on a journal written by an earlier run (Rollback, --resume) first
/// compares the deployment as it is with what that journal says it should be, and refuses on any difference with
/// nothing changed. Records describe the past; the deployment is the truth.
/// </summary>
public sealed partial class UpgradeRun
{
    /// <summary>
    /// Compares <paramref name="journal"/> with the deployment <paramref name="observed"/>; throws
    /// <see cref="DeploymentChangedException"/>, naming each difference and what to run instead, unless they match or the
    /// operator named this journal (<paramref name="namedExplicitly"/>) and accepted the differences.
    /// </summary>
    /// <param name="action">What would act on the journal, e.g. "Rollback", "--resume".</param>
    public ReconciliationResult Reconcile(UpgradeJournal journal, ObservedDeployment observed, string backendService, string action,
        bool namedExplicitly, bool acceptDifferences)
    {
        var reconciliation = DeploymentReconciliation.Compare(journal.RecordedState(backendService), observed);
        foreach (var note in reconciliation.NotCompared)
            output.Information("Reconciling: not compared: {What}", note);
        if (reconciliation.Matches)
        {
            output.Information("Reconciled: the deployment is what {Record} left ({State})", reconciliation.Recorded.Record, reconciliation.Recorded.State);
            return reconciliation;
        }
        if (namedExplicitly && acceptDifferences)
        {
            foreach (var difference in reconciliation.Differences)
                output.Warning("The deployment differs from {Record}: {Difference}", reconciliation.Recorded.Record, difference.ToString());
            output.Warning("Going ahead with {Action} of {Record} despite these differences ({UpgradeId} and {Accept} given); files edited since " +
                           "keep their contents and only get their previous image tags back",
                action, reconciliation.Recorded.Record, $"{advice.Flag(Setting.UpgradeId)} {journal.Id}", advice.Flag(Setting.AcceptDifferences));
            output.Summary("Reconciled", $"{reconciliation.Differences.Count} difference(s) accepted");
            return reconciliation;
        }
        throw new DeploymentChangedException(RefusalText(reconciliation, journal, action, namedExplicitly, advice));
    }

    static string RefusalText(ReconciliationResult reconciliation, UpgradeJournal journal, string action, bool namedExplicitly,
        OperatorAdvice advice)
    {
        var nl = Environment.NewLine;
        var undoAnyway = $"{advice.Rollback} {advice.Flag(Setting.UpgradeId)} {journal.Id} {advice.Flag(Setting.AcceptDifferences)}";
        return $"{action} refused; nothing was changed. The deployment is not what {reconciliation.Recorded.Record} left " +
               $"({reconciliation.Recorded.State}): {reconciliation.Summary()}." + nl +
               string.Concat(reconciliation.Differences.Select(d => $"  - {d}{nl}")) +
               $"The journal {journal.FilePath} describes the deployment as it was, and is not acted out on the deployment as it is. Instead:" + nl +
               $"  {advice.Status}    shows what runs now, the journals and the backups" + nl +
               $"  {advice.RestoreBackup} <file>    puts back one backup you choose (a backup of another database says so first)" + nl +
               $"  {undoAnyway}    undoes that upgrade anyway{(namedExplicitly ? "" : " (a journal that does not match is never chosen implicitly)")}: " +
               "its backup is restored, files edited since only get their previous image tags back" + nl +
               (journal.IsFinished
                   ? ""
                   : $"  If the deployment was repaired by hand and should stay as it is, set the journal aside: mv {journal.FilePath} {journal.FilePath}.set-aside" + nl);
    }
}

/// <summary>The deployment is not what a record says: the command acting on that record refused, with nothing changed.</summary>
public sealed class DeploymentChangedException(string message) : Exception(message);
