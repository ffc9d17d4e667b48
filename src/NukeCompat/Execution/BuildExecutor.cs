using System.Reflection;
using Nuke.Common.Output;
using Nuke.Common.Parameters;
using Serilog;

namespace Nuke.Common.Execution;

/// <summary>
/// Runs a plan: <c>--skip</c>, static conditions, requirements, then each target in order. After a failure (or
/// Ctrl+C) only the scheduled targets that are assured after failure still run, in failure mode.
/// </summary>
internal sealed class BuildExecutor(BuildSession session, IReadOnlyList<string>? skipNames)
{
    private readonly HashSet<ExecutableTarget> _staticallyViolated = [];
    private BuildAttemptLog? _attemptLog;

    private List<ExecutableTarget> Plan => session.Plan!;
    private NukeBuild Build => session.Build;
    private ILogger Logger => session.Logger;

    public void ApplySkipParameter()
    {
        if (skipNames is null)
            return;
        // NUKE only filters the plan by these names (BuildExecutor.Execute:
        // ExecutionPlan.Where(x => skippedTargets.Count == 0 || skippedTargets.Contains(x.Name, OrdinalIgnoreCase))),
        // so a name that matches no target is ignored without a message; and MarkTargetSkipped returns at once for an
        // invoked target, so naming it changes nothing (no skip, no cascade to its dependencies).
        var names = skipNames.Select(x => x.Replace("-", "")).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var target in Plan.Where(x => (names.Count == 0 || names.Contains(x.Name)) && !x.Invoked).ToList())
            SkipMarker.Skip(target, Plan, "via parameter");
    }

    public void ApplyStaticConditions()
    {
        foreach (var target in Plan.Where(x => x.Status == ExecutionStatus.Scheduled).ToList())
        {
            // Outside the plan loop, as in NUKE: no assured targets run, and every target still scheduled (this one
            // too) ends as NotRun.
            if (ViolatedConditionsOrLogged(target, target.StaticConditions) is not { } violated)
                throw new BuildStoppedException();

            if (violated.Count == 0)
                continue;
            target.Summary["OnlyWhen"] = string.Join(" && ", violated);
            _staticallyViolated.Add(target);
            SkipMarker.Skip(target, Plan, reason: null);
        }
    }

    /// <summary>Only targets that will still run are checked; a skipped target's requirements do not matter.</summary>
    public void CheckRequirements(IReadOnlyList<ParameterMember> parameters)
    {
        var errors = Plan
            .Where(x => x.Status == ExecutionStatus.Scheduled && !_staticallyViolated.Contains(x))
            .SelectMany(target => target.Requirements.Select(requirement => requirement.Check(target.Name)))
            .OfType<string>()
            .Concat(ParameterInjector.MissingRequiredMembers(Build, parameters))
            .ToList();
        if (errors.Count > 0)
            throw new BuildConfigurationException(string.Join(Environment.NewLine, errors));
    }

    public async Task RunAsync(BuildAttemptLog attemptLog)
    {
        _attemptLog = attemptLog;
        var stopped = false;
        var conditionThrew = false;
        foreach (var target in Plan)
        {
            if (session.Cancellation.IsInterrupted)
                break;
            var status = await RunTargetAsync(target);
            if (status is null)
                conditionThrew = true;
            if (status is null or ExecutionStatus.Aborted || status == ExecutionStatus.Failed && !target.ProceedAfterFailure)
            {
                stopped = true;
                break;
            }
        }

        if (!stopped && !session.Cancellation.IsInterrupted)
            return;

        session.Cancellation.BeginAssuredPhase();
        foreach (var target in Plan.Where(x => x.AssuredAfterFailure).ToList())
        {
            if (target.Status != ExecutionStatus.Scheduled)
                continue;
            if (session.Cancellation.Token.IsCancellationRequested)
                break;
            // A condition that throws here ends the assured phase too: NUKE's ExecuteAssuredTargets runs inside the
            // catch block, and CheckConditions throws whatever the failure mode.
            if (await RunTargetAsync(target) is null)
            {
                conditionThrew = true;
                break;
            }
        }

        if (conditionThrew)
            throw new BuildStoppedException();
    }

    /// <summary>
    /// The texts of the violated conditions; null when a condition threw, which ends the build. As in NUKE
    /// (BuildExecutor.CheckConditions: Log.Error(exception, "Invocation of condition for {TargetName} has thrown an
    /// exception"), then throw new TargetExecutionException) the error is logged and the target's status is left
    /// alone: it is still Scheduled, so the end of the build shows it as NotRun. It does not count as a failed target
    /// (no OnTargetFailed, not in FailedTargets, no summary pair) and ProceedAfterFailure does not apply.
    /// </summary>
    private List<string>? ViolatedConditionsOrLogged(ExecutableTarget target, List<TargetCondition> conditions)
    {
        try
        {
            return ViolatedConditions(conditions);
        }
        catch (Exception exception)
        {
            Logger.Error(Unwrap(exception), "Invocation of condition for {TargetName} has thrown an exception", target.Name);
            return null;
        }
    }

    /// <returns>The target's new status; null when one of its dynamic conditions threw, which ends the build.</returns>
    private async Task<ExecutionStatus?> RunTargetAsync(ExecutableTarget target)
    {
        if (target.Status == ExecutionStatus.Skipped || _attemptLog!.PreviouslySucceeded.Contains(target.Name))
            return MarkSkipped(target);

        if (ViolatedConditionsOrLogged(target, target.DynamicConditions) is not { } violated)
            return null;

        if (violated.Count > 0 || _staticallyViolated.Contains(target))
        {
            // The dynamic reasons replace a static one instead of clashing with it (NUKE #1385).
            if (violated.Count > 0)
                target.Summary["OnlyWhen"] = string.Join(" && ", violated);
            SkipMarker.Cascade(target, Plan);
            return MarkSkipped(target);
        }

        if (target.Actions.Count == 0)
        {
            target.Status = ExecutionStatus.Collective;
            return target.Status;
        }

        var token = session.Cancellation.Token;
        session.RunningTarget = target;
        WriteHeader(target.Name);
        target.Stopwatch.Start();
        target.Status = ExecutionStatus.Running;
        Build.OnTargetRunning(target.Name);
        try
        {
            foreach (var action in target.Actions)
                await action(token);
            target.Stopwatch.Stop();
            target.Status = ExecutionStatus.Succeeded;
            Build.OnTargetSucceeded(target.Name);
            _attemptLog!.RecordSuccess(target.Name);
        }
        catch (Exception thrown)
        {
            target.Stopwatch.Stop();
            var exception = Unwrap(thrown);
            if (exception is OperationCanceledException && token.IsCancellationRequested)
            {
                target.Status = ExecutionStatus.Aborted;
                Logger.Warning("Target {TargetName} was cancelled", target.Name);
            }
            else
            {
                if (target.Summary.Count == 0)
                    target.Summary[exception.GetType().Name] = FirstLine(exception.Message);
                Logger.Error(exception, "Target {TargetName} has thrown an exception", target.Name);
                target.Status = ExecutionStatus.Failed;
            }

            Build.OnTargetFailed(target.Name);
        }
        finally
        {
            WriteFooter(target.Name);
            session.RunningTarget = null;
        }

        return target.Status;
    }

    private ExecutionStatus MarkSkipped(ExecutableTarget target)
    {
        target.Status = ExecutionStatus.Skipped;
        Build.OnTargetSkipped(target.Name);
        return ExecutionStatus.Skipped;
    }

    private static List<string> ViolatedConditions(List<TargetCondition> conditions) =>
        conditions.Where(condition => !condition.Predicate()).Select(condition => condition.Text).ToList();

    /// <summary>NUKE's box on a terminal; a CI host's collapsible block around the target's output.</summary>
    private void WriteHeader(string name)
    {
        foreach (var line in NukeBuild.Host.TargetStart(name))
            session.Host.Write(line);
    }

    private void WriteFooter(string name)
    {
        foreach (var line in NukeBuild.Host.TargetEnd(name))
            session.Host.Write(line);
    }

    private static Exception Unwrap(Exception exception) => exception switch
    {
        TargetInvocationException { InnerException: { } inner } => Unwrap(inner),
        AggregateException { InnerExceptions.Count: 1 } aggregate => Unwrap(aggregate.InnerExceptions[0]),
        _ => exception,
    };

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }
}
