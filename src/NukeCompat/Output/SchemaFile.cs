using System.Text;
using System.Text.Json;
using Nuke.Common.IO;
using Nuke.Common.Parameters;

namespace Nuke.Common.Output;

/// <summary>
/// <c>.nuke/build.schema.json</c>: target names and parameter types for editor completion in the parameter files.
/// Rewritten only when it changes. It holds no values at all, so no secret can leak into it.
/// </summary>
internal static class SchemaFile
{
    /// <param name="buildType">The build: a schema written after its assemblies were built still describes it.</param>
    public static void Write(AbsolutePath root, IReadOnlyList<ExecutableTarget> targets, IReadOnlyList<ParameterMember> parameters, Type buildType)
    {
        var file = root / ".nuke" / "build.schema.json";
        // Targets and parameters are the build's code: when the file is newer than every assembly they come from, it is
        // this build's schema, and rendering it again (10 ms of a 200 ms --help) would only prove it.
        if (file.FileExists() && File.GetLastWriteTimeUtc(file) > NewestAssemblyTime(buildType, parameters))
            return;
        var content = Render(targets, parameters);
        if (!file.FileExists() || File.ReadAllText(file) != content)
            File.WriteAllText(file, content);
        else
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow);
    }

    /// <summary>
    /// When the assemblies the schema comes from were last written (the build's class, base classes and interfaces, and
    /// the parameters' types, whose enum names it lists); MaxValue when one is not a file.
    /// </summary>
    private static DateTime NewestAssemblyTime(Type buildType, IReadOnlyList<ParameterMember> parameters)
    {
        var types = new List<Type>(buildType.GetInterfaces());
        for (var type = buildType; type is not null; type = type.BaseType)
            types.Add(type);
        foreach (var parameter in parameters)
        {
            var type = Nullable.GetUnderlyingType(parameter.Type) ?? parameter.Type;
            types.Add(type.IsArray ? type.GetElementType()! : type);
        }

        var newest = DateTime.MinValue;
        foreach (var assembly in types.Select(x => x.Assembly).Distinct())
        {
            if (string.IsNullOrEmpty(assembly.Location) || !File.Exists(assembly.Location))
                return DateTime.MaxValue;
            var written = File.GetLastWriteTimeUtc(assembly.Location);
            if (written > newest)
                newest = written;
        }

        return newest;
    }

    public static string Render(IReadOnlyList<ExecutableTarget> targets, IReadOnlyList<ParameterMember> parameters)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("$schema", "http://json-schema.org/draft-04/schema#");
            json.WriteString("title", "Build Schema");
            json.WriteString("$ref", "#/definitions/build");
            json.WriteStartObject("definitions");

            json.WriteStartObject("ExecutableTarget");
            json.WriteString("type", "string");
            WriteEnum(json, targets.Select(x => x.Name));
            json.WriteEndObject();

            json.WriteStartObject("build");
            json.WriteString("type", "object");
            json.WriteStartObject("properties");
            foreach (var parameter in parameters.OrderBy(x => x.Name, StringComparer.Ordinal))
            {
                json.WriteStartObject(parameter.Name);
                if (parameter.Description is not null)
                    json.WriteString("description", parameter.Description);
                WriteType(json, parameter.Type);
                json.WriteEndObject();
            }

            foreach (var (name, description) in BuiltInParameters.All)
            {
                json.WriteStartObject(name);
                json.WriteString("description", description.Replace(BuiltInParameters.DefaultTargetPlaceholder,
                    string.Join(", ", targets.Where(x => x.IsDefault).Select(x => x.Name))));
                switch (name)
                {
                    case "Target" or "Skip":
                        json.WriteString("type", "array");
                        json.WriteStartObject("items");
                        json.WriteString("$ref", "#/definitions/ExecutableTarget");
                        json.WriteEndObject();
                        break;
                    case "Profile":
                        json.WriteString("type", "array");
                        json.WriteStartObject("items");
                        json.WriteString("type", "string");
                        json.WriteEndObject();
                        break;
                    case "Verbosity":
                        WriteType(json, typeof(Verbosity));
                        break;
                    case "Host" or "Root":
                        json.WriteString("type", "string");
                        break;
                    default:
                        json.WriteString("type", "boolean");
                        break;
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void WriteType(Utf8JsonWriter json, Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsArray)
        {
            json.WriteString("type", "array");
            json.WriteStartObject("items");
            WriteType(json, type.GetElementType()!);
            json.WriteEndObject();
            return;
        }

        if (type.IsEnum)
        {
            json.WriteString("type", "string");
            WriteEnum(json, Enum.GetNames(type));
            return;
        }

        json.WriteString("type", Type.GetTypeCode(type) switch
        {
            TypeCode.Boolean => "boolean",
            TypeCode.Byte or TypeCode.SByte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Int32 or TypeCode.UInt32
                or TypeCode.Int64 or TypeCode.UInt64 => "integer",
            TypeCode.Single or TypeCode.Double or TypeCode.Decimal => "number",
            TypeCode.Object when type != typeof(AbsolutePath) && type != typeof(TimeSpan) && type != typeof(Guid) && type != typeof(Uri) => "object",
            _ => "string",
        });
    }

    private static void WriteEnum(Utf8JsonWriter json, IEnumerable<string> values)
    {
        json.WriteStartArray("enum");
        foreach (var value in values.Order(StringComparer.Ordinal))
            json.WriteStringValue(value);
        json.WriteEndArray();
    }
}
