using System.Reflection;

namespace Nuke.Common.Parameters;

/// <summary>A <c>[Parameter]</c> field or property of the build, with what is needed to set and describe it.</summary>
internal sealed class ParameterMember
{
    private const BindingFlags DeclaredInstanceMembers =
        BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;

    private readonly MemberInfo _member;
    private readonly FieldInfo? _field;
    private readonly PropertyInfo? _property;

    private ParameterMember(MemberInfo member, ParameterAttribute attribute)
    {
        _member = member;
        Name = attribute.Name ?? member.Name;
        Description = attribute.Description;
        Separator = attribute.Separator;
        IsSecret = member.IsDefined(typeof(SecretAttribute));
        IsRequired = member.IsDefined(typeof(RequiredAttribute));
        switch (member)
        {
            case FieldInfo field:
                _field = field;
                Type = field.FieldType;
                break;
            case PropertyInfo property:
                _property = property;
                Type = property.PropertyType;
                // A get-only auto-property is set through its compiler-generated backing field.
                if (property.SetMethod is null)
                    _field = property.DeclaringType!.GetField($"<{property.Name}>k__BackingField", DeclaredInstanceMembers);
                break;
            default:
                throw new ArgumentException($"Unsupported member {member}", nameof(member));
        }
    }

    /// <summary>The logical name: the JSON key and, in kebab case, the CLI option.</summary>
    public string Name { get; }

    public string CliName => ParameterNaming.ToKebabCase(Name);
    public string? Description { get; }
    public string? Separator { get; }
    public Type Type { get; }
    public bool IsSecret { get; }
    public bool IsRequired { get; }
    public string MemberName => _member.Name;

    public static IReadOnlyList<ParameterMember> Discover(Type buildType)
    {
        var members = new List<ParameterMember>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var type = buildType; type is not null && type != typeof(NukeBuild); type = type.BaseType)
        {
            foreach (var member in type.GetMembers(DeclaredInstanceMembers))
            {
                if (member is not (FieldInfo or PropertyInfo) || member.GetCustomAttribute<ParameterAttribute>() is not { } attribute)
                    continue;
                var parameter = new ParameterMember(member, attribute);
                if (names.Add(parameter.Name))
                    members.Add(parameter);
            }
        }

        return members;
    }

    public object? GetValue(object build) => _property is not null ? _property.GetValue(build) : _field!.GetValue(build);

    public void SetValue(object build, object? value)
    {
        if (_property?.SetMethod is not null)
            _property.SetValue(build, value);
        else if (_field is not null)
            _field.SetValue(build, value);
        else
            throw new BuildConfigurationException($"Parameter '{Name}' cannot be set: property '{_member.Name}' has no setter or backing field");
    }
}
