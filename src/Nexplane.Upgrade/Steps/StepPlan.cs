namespace Nexplane.Upgrade.Steps;

/// <summary>What one step would do, as the dry run prints it: the action, then what it acts on (one detail a line).</summary>
public sealed record StepPlan(string Action, IReadOnlyList<string> Details)
{
    public StepPlan(string action) : this(action, []) { }
}
