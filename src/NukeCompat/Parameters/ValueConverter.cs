using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Nuke.Common.IO;

namespace Nuke.Common.Parameters;

/// <summary>
/// Converts raw parameter values (CLI tokens, environment text, JSON from parameter files) to a member's type.
/// Failures throw <see cref="FormatException"/> with a message the caller puts in context.
/// </summary>
internal static class ValueConverter
{
    /// <summary>Tokens from the command line or a split environment variable.</summary>
    public static object? FromTokens(IReadOnlyList<string> tokens, Type type, string? separator, AbsolutePath root)
    {
        if (type.IsArray)
        {
            var elementType = type.GetElementType()!;
            IEnumerable<string> items = tokens;
            if (separator is not null)
            {
                if (tokens.Count > 1 && tokens.Any(x => x.Contains(separator, StringComparison.Ordinal)))
                    throw new FormatException($"Values [ {string.Join(", ", tokens)} ] mix several tokens with the separator '{separator}'");
                items = tokens.SelectMany(x => x.Split(separator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            }

            return ToArray(elementType, items.Select(x => FromText(x, elementType, root)).ToList());
        }

        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return tokens.Count switch
        {
            // A flag without a value (--major) means true.
            0 when underlying == typeof(bool) => true,
            0 => throw new FormatException($"A value of type '{DisplayName(type)}' is required"),
            > 1 => throw new FormatException($"Value [ {string.Join(", ", tokens)} ] cannot be assigned to '{DisplayName(type)}'"),
            _ => FromText(tokens[0], type, root),
        };
    }

    /// <summary>A value from a parameter file.</summary>
    public static object? FromJson(JsonElement element, Type type, string? separator, AbsolutePath root)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Null or JsonValueKind.Undefined:
                return null;
            case JsonValueKind.Array when type.IsArray:
                var elementType = type.GetElementType()!;
                return ToArray(elementType, element.EnumerateArray().Select(x => FromJson(x, elementType, null, root)).ToList());
            case JsonValueKind.Array:
                throw new FormatException($"An array cannot be assigned to '{DisplayName(type)}'");
            case JsonValueKind.String:
                var text = element.GetString()!;
                return type.IsArray ? FromTokens([text], type, separator, root) : FromText(text, type, root);
            case JsonValueKind.True or JsonValueKind.False or JsonValueKind.Number:
                var raw = element.GetRawText();
                return type.IsArray ? FromTokens([raw], type, separator, root) : FromText(raw, type, root);
            default:
                try
                {
                    return element.Deserialize(type, JsonOptions);
                }
                catch (JsonException exception)
                {
                    throw new FormatException($"The JSON object cannot be read as '{DisplayName(type)}': {exception.Message}");
                }
        }
    }

    /// <summary>A single textual value, using the type's converter with the invariant culture.</summary>
    public static object? FromText(string text, Type type, AbsolutePath root)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null)
        {
            if (string.IsNullOrWhiteSpace(text))
                return null;
            type = underlying;
        }

        if (type == typeof(string))
            return text;
        if (type == typeof(bool))
        {
            return bool.TryParse(text.Trim(), out var flag)
                ? flag
                : throw new FormatException($"Value '{text}' is not a valid Boolean; use 'true' or 'false'");
        }

        if (type.IsEnum)
            return ParseEnum(text, type);
        if (type == typeof(TimeSpan))
        {
            return DurationParser.TryParse(text, out var duration)
                ? duration
                : throw new FormatException($"Value '{text}' is not a valid TimeSpan; use e.g. '00:05:00', '90s', '5m' or '2h'");
        }

        if (type == typeof(AbsolutePath))
        {
            return string.IsNullOrWhiteSpace(text)
                ? throw new FormatException("An empty value is not a valid path")
                : root / text.Trim();
        }

        try
        {
            if (type.IsPrimitive || type == typeof(decimal))
                return Convert.ChangeType(text.Trim(), type, CultureInfo.InvariantCulture);
            var converter = TypeDescriptor.GetConverter(type);
            if (converter.CanConvertFrom(typeof(string)))
                return converter.ConvertFromInvariantString(text);
        }
        catch (Exception exception) when (exception is FormatException or OverflowException or ArgumentException or NotSupportedException)
        {
            throw new FormatException($"Value '{text}' is not a valid {DisplayName(type)}");
        }

        throw new FormatException($"Parameters of type '{DisplayName(type)}' are not supported");
    }

    public static string DisplayName(Type type) =>
        Nullable.GetUnderlyingType(type) is { } underlying ? DisplayName(underlying) + "?"
        : type.IsArray ? DisplayName(type.GetElementType()!) + "[]"
        : type.Name;

    private static object ParseEnum(string text, Type type)
    {
        var names = Enum.GetNames(type);
        var name = names.FirstOrDefault(x => string.Equals(x, text.Trim(), StringComparison.OrdinalIgnoreCase));
        return name is not null
            ? Enum.Parse(type, name)
            : throw new FormatException($"Value '{text}' is not one of {type.Name}: {string.Join(", ", names)}");
    }

    private static Array ToArray(Type elementType, List<object?> items)
    {
        var array = Array.CreateInstance(elementType, items.Count);
        for (var i = 0; i < items.Count; i++)
            array.SetValue(items[i], i);
        return array;
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true };
}
