using System.Text.Json;

namespace Nexplane.Upgrade.Backend;

/// <summary>Reading one string field of a JSON answer that may not be JSON at all (an HTML error page, plain text).</summary>
public static class JsonFields
{
    public static string? ReadString(string body, string property)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                   && document.RootElement.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
