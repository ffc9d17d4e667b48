using System.Text;
using System.Text.Json;
using Nuke.Common.IO;

namespace Nuke.Common.Parameters;

/// <summary>
/// Resolves one parameter from its sources in NUKE's precedence: command line, environment, profile files,
/// parameters.json. Values of secret parameters are registered with the <see cref="SecretRedactor"/> before they are
/// converted, so even a conversion error cannot print them.
/// </summary>
internal sealed class ParameterSources(
    CommandLineArguments arguments,
    IReadOnlyDictionary<string, string> environment,
    ParameterFiles files,
    AbsolutePath root,
    Action<string> warn)
{
    private readonly EnvironmentLookup _environment = new(environment);

    /// <summary>The value and where it came from ("the command line", "environment variable X", "parameter file F").</summary>
    public (bool Found, object? Value, string? Origin) Resolve(string name, Type type, string? separator, bool isSecret)
    {
        // A repeated list option adds up (--webhook-url a --webhook-url b is two); NUKE keeps the last one, silently
        // dropping the others. Every occurrence of a secret is registered, also the ones a scalar does not keep.
        if (isSecret)
            (arguments.GetAllValues(name) ?? []).ToList().ForEach(SecretRedactor.Register);
        if ((type.IsArray ? arguments.GetAllValues(name) : arguments.GetValues(name)) is { } tokens)
        {
            return (true, Convert(() => ValueConverter.FromTokens(tokens, type, separator, root), () => DescribeArgumentError(name)), "the command line");
        }

        if (_environment.Find(name, warn) is var (variable, text))
        {
            if (isSecret)
                SecretRedactor.Register(text);
            var underlying = Nullable.GetUnderlyingType(type) ?? type;
            // Since NUKE 8.1.2 an empty variable switches a flag off; for other types it counts as not set.
            if (string.IsNullOrEmpty(text))
                return underlying == typeof(bool) ? (true, false, $"environment variable {variable}") : (false, null, null);
            var envTokens = type.IsArray && separator is null
                ? text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
                : [text];
            return (true, Convert(() => ValueConverter.FromTokens(envTokens, type, separator, root),
                () => $"Resolving parameter '{name}' failed. Environment variable was:{Environment.NewLine}  {variable}={text}"),
                $"environment variable {variable}");
        }

        if (files.Find(name) is var (json, file))
        {
            if (isSecret)
                RegisterJsonStrings(json);
            return (true, Convert(() => ValueConverter.FromJson(json, type, separator, root),
                () => $"Resolving parameter '{name}' failed. Parameter file '{file}' has:{Environment.NewLine}  {json.GetRawText()}"),
                $"parameter file {file}");
        }

        return (false, null, null);
    }

    private static object? Convert(Func<object?> convert, Func<string> describeSource)
    {
        try
        {
            return convert();
        }
        catch (FormatException exception)
        {
            throw new BuildConfigurationException($"{exception.Message}.{Environment.NewLine}{describeSource()}");
        }
    }

    private string DescribeArgumentError(string name)
    {
        var text = new StringBuilder($"Resolving argument '{ParameterNaming.ToKebabCase(name)}' failed.");
        text.Append(Environment.NewLine).Append("Arguments were:");
        for (var i = 0; i < arguments.Tokens.Count; i++)
            text.Append(Environment.NewLine).Append($"  [{i}] = {arguments.Tokens[i]}");
        return text.ToString();
    }

    private static void RegisterJsonStrings(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                    RegisterJsonStrings(item);
                break;
            case JsonValueKind.String:
                SecretRedactor.Register(element.GetString());
                break;
            default:
                SecretRedactor.Register(element.GetRawText());
                break;
        }
    }
}
