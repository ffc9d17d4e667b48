using System.Text;
using Nuke.Common.Parameters;

namespace Nuke.Common.Output;

/// <summary>The <c>--help</c> text: listed targets with their direct dependencies, then parameters, then built-ins.</summary>
internal static class HelpText
{
    private const int LineWidth = 90;

    public static string Render(IReadOnlyList<ExecutableTarget> targets, IReadOnlyList<ParameterMember> parameters)
    {
        var text = new StringBuilder();
        text.AppendLine("Targets (with their direct dependencies):");
        text.AppendLine();
        var listed = targets.Where(x => x.Listed).ToList();
        var nameWidth = 20;
        foreach (var target in listed)
            nameWidth = Math.Max(nameWidth, DisplayName(target).Length);
        foreach (var target in listed)
        {
            var dependencies = target.ExecutionDependencies.Count > 0
                ? " -> " + string.Join(", ", target.ExecutionDependencies.Select(x => x.Name))
                : "";
            text.AppendLine(("  " + DisplayName(target).PadRight(nameWidth) + dependencies).TrimEnd());
            if (!string.IsNullOrWhiteSpace(target.Description))
                text.AppendLine("    " + WithOnePeriod(target.Description));
        }

        text.AppendLine();
        text.AppendLine("Parameters:");
        var custom = parameters.OrderBy(x => x.Name, StringComparer.OrdinalIgnoreCase).Select(x => new OptionLine(x.CliName, x.Description)).ToList();
        var defaultTargets = targets.Where(x => x.IsDefault).Select(x => x.Name).ToList();
        var builtIns = BuiltInParameters.All
            .Select(x => new OptionLine(ParameterNaming.ToKebabCase(x.Name), x.Description.Replace(
                BuiltInParameters.DefaultTargetPlaceholder, defaultTargets.Count > 0 ? string.Join(", ", defaultTargets) : "<none>")))
            .ToList();
        var optionWidth = 16;
        foreach (var option in custom.Concat(builtIns))
            optionWidth = Math.Max(optionWidth, option.Name.Length);
        if (custom.Count > 0)
        {
            text.AppendLine();
            foreach (var (name, description) in custom)
                AppendOption(text, name, description, optionWidth);
        }

        text.AppendLine();
        foreach (var (name, description) in builtIns)
            AppendOption(text, name, description, optionWidth);
        return text.ToString().TrimEnd();
    }

    // Records and loops rather than value tuples and Max(): LINQ over a value type is generic code that ReadyToRun
    // leaves to the JIT, on the path of every --help (benchmarks/startup.sh).
    private sealed record OptionLine(string Name, string? Description);

    private static string DisplayName(ExecutableTarget target) => target.IsDefault ? target.Name + " (default)" : target.Name;

    private static void AppendOption(StringBuilder text, string name, string? description, int optionWidth)
    {
        var prefix = "  --" + name.PadRight(optionWidth) + "   ";
        var lines = Wrap(string.IsNullOrWhiteSpace(description) ? "<no description>" : WithOnePeriod(description), LineWidth - prefix.Length);
        text.AppendLine(prefix + lines[0]);
        foreach (var line in lines.Skip(1))
            text.AppendLine(new string(' ', prefix.Length) + line);
    }

    private static string WithOnePeriod(string description) => description.TrimEnd().TrimEnd('.') + ".";

    private static List<string> Wrap(string text, int width)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > Math.Max(width, 20))
            {
                lines.Add(line.ToString());
                line.Clear();
            }

            if (line.Length > 0)
                line.Append(' ');
            line.Append(word);
        }

        lines.Add(line.ToString());
        return lines;
    }
}
