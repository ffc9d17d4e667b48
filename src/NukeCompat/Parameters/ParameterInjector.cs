using System.Collections;

namespace Nuke.Common.Parameters;

/// <summary>Sets every <c>[Parameter]</c> member that has a value in some source; the others keep their initializers.</summary>
internal static class ParameterInjector
{
    public static void Inject(NukeBuild build, IReadOnlyList<ParameterMember> members, ParameterSources sources)
    {
        foreach (var member in members)
        {
            var (found, value, origin) = sources.Resolve(member.Name, member.Type, member.Separator, member.IsSecret);
            if (found)
            {
                member.SetValue(build, value);
                build.ParameterOrigins[member.Name] = origin!;
            }
            if (member.IsSecret)
                RegisterSecret(member.GetValue(build));
        }
    }

    /// <summary><c>[Required]</c> members are checked for every run, before the first target.</summary>
    public static IEnumerable<string> MissingRequiredMembers(NukeBuild build, IReadOnlyList<ParameterMember> members) =>
        members
            .Where(x => x.IsRequired && IsBlank(x.GetValue(build)))
            .Select(x => $"Member '{x.MemberName}' is required to be not null or empty");

    private static bool IsBlank(object? value) => value is null || value is string text && string.IsNullOrWhiteSpace(text);

    private static void RegisterSecret(object? value)
    {
        switch (value)
        {
            case null:
                return;
            case string text:
                SecretRedactor.Register(text);
                break;
            case IEnumerable items:
                foreach (var item in items)
                    RegisterSecret(item);
                break;
            default:
                SecretRedactor.Register(value.ToString());
                break;
        }
    }
}
