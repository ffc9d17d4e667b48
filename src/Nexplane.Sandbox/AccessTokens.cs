using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Nexplane.Sandbox;

/// <summary>HS256 JWTs signed with <c>SECRET_KEY</c>, as the FastAPI backend issues them.</summary>
public sealed class AccessTokens(string secretKey)
{
    static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);
    readonly byte[] key = Encoding.UTF8.GetBytes(secretKey);

    public string Issue(string subject)
    {
        var header = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new JwtHeader("HS256", "JWT"), ApiJson.Default.JwtHeader));
        var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(
            new JwtPayload(subject, DateTimeOffset.UtcNow.Add(Lifetime).ToUnixTimeSeconds()), ApiJson.Default.JwtPayload));
        var signingInput = $"{header}.{payload}";
        return $"{signingInput}.{Base64Url(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(signingInput)))}";
    }

    /// <summary>The subject of a valid, unexpired token; null otherwise.</summary>
    public string? Validate(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
            return null;
        try
        {
            var expected = HMACSHA256.HashData(key, Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"));
            if (!CryptographicOperations.FixedTimeEquals(expected, FromBase64Url(parts[2])))
                return null;
            var payload = JsonSerializer.Deserialize(FromBase64Url(parts[1]), ApiJson.Default.JwtPayload);
            return payload is not null && payload.Exp > DateTimeOffset.UtcNow.ToUnixTimeSeconds() ? payload.Sub : null;
        }
        catch (Exception exception) when (exception is FormatException or JsonException)
        {
            return null;
        }
    }

    static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    static byte[] FromBase64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded.PadRight(padded.Length + (4 - padded.Length % 4) % 4, '='));
    }
}
