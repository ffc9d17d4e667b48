using Nexplane.Upgrade.Operator;
using Nexplane.Upgrade.Progress;

namespace Nexplane.Upgrade.Rehearsals;

/// <summary>
/// What the runbook's steps say while they act on the throwaway copy: every line marked as the copy's, so "the backend
/// answers /health again" is never read as the deployment's. Their summary pairs are not kept: the Rehearse line of the
/// summary table is the rehearsal's verdict, not the copy's Stop or Head.
/// </summary>
public sealed class CopyStepOutput(IRunOutput output) : IRunOutput
{
    public const string Prefix = "Throwaway copy: ";

    public void Information(string template, params object?[] values) => output.Information(Prefix + template, values);

    public void Warning(string template, params object?[] values) => output.Warning(Prefix + template, values);

    public void Error(string template, params object?[] values) => output.Error(Prefix + template, values);

    public void Summary(string key, string value)
    {
    }

    public IProgressDisplay Progress => output.Progress;

    public void Line(string line) => output.Line(Prefix + line);
}
