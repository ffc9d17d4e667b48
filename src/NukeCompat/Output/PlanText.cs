using System.Text;

namespace Nuke.Common.Output;

/// <summary>
/// The <c>--plan</c> text: the planned targets in execution order, each marked with why it is planned and what
/// may still keep it from running, then a Mermaid graph of all targets.
/// </summary>
internal static class PlanText
{
    public static string Render(IReadOnlyList<ExecutableTarget> targets, IReadOnlyList<ExecutableTarget> plan)
    {
        var text = new StringBuilder();
        text.AppendLine("Execution plan:");
        text.AppendLine();
        var numberWidth = plan.Count.ToString().Length;
        for (var i = 0; i < plan.Count; i++)
        {
            var notes = Notes(plan[i], plan);
            var suffix = notes.Count > 0 ? $" ({string.Join(", ", notes)})" : "";
            text.AppendLine($"  {(i + 1).ToString().PadLeft(numberWidth)}. {plan[i].Name}{suffix}");
        }

        text.AppendLine();
        text.AppendLine("```mermaid");
        text.AppendLine("graph LR");
        foreach (var target in targets)
        {
            foreach (var dependency in target.ExecutionDependencies)
                text.AppendLine($"  {dependency.Name} --> {target.Name}");
            foreach (var dependency in target.OrderDependencies)
                text.AppendLine($"  {dependency.Name} -.-> {target.Name}");
            foreach (var triggered in target.Triggers)
                text.AppendLine($"  {target.Name} ==> {triggered.Name}");
        }

        if (plan.Count > 0)
        {
            text.AppendLine("  classDef planned stroke-width:3px");
            text.AppendLine($"  class {string.Join(",", plan.Select(x => x.Name))} planned");
        }

        text.AppendLine("```");
        return text.ToString().TrimEnd();
    }

    private static List<string> Notes(ExecutableTarget target, IReadOnlyList<ExecutableTarget> plan)
    {
        var notes = new List<string>();
        if (target.Invoked)
            notes.Add("invoked");
        if (target.IsDefault && !plan.Any(x => x.Invoked))
            notes.Add("default");
        var triggeredBy = target.TriggerDependencies.Where(plan.Contains).Select(x => x.Name).ToList();
        if (triggeredBy.Count > 0)
            notes.Add("triggered by " + string.Join(", ", triggeredBy));
        if (target.Actions.Count == 0)
            notes.Add("collective");
        if (target.AssuredAfterFailure)
            notes.Add("assured after failure");
        if (target.ProceedAfterFailure)
            notes.Add("proceeds after failure");
        if (target.StaticConditions.Count > 0)
            notes.Add("only when (static): " + string.Join(" && ", target.StaticConditions.Select(x => x.Text)));
        if (target.DynamicConditions.Count > 0)
            notes.Add("only when: " + string.Join(" && ", target.DynamicConditions.Select(x => x.Text)));
        return notes;
    }
}
