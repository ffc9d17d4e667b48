using System.Text.Json.Serialization;

namespace Nexplane.Sandbox;

// Wire shapes of the backend API (FastAPI uses snake_case); source-generated because the binary is Native AOT.

public sealed record HealthResponse(
    string Status,
    string Service,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Version);

public sealed record VersionResponse(string Version);

public sealed record LoginRequest(string? Email, string? Password);

public sealed record TokenResponse(string AccessToken, string TokenType);

/// <summary>FastAPI's error body.</summary>
public sealed record ErrorDetail(string Detail);

public sealed record AgentRegistrationRequest(string? Hostname, string? OsType, string? AgentVersion);

public sealed record AgentRegistrationResponse(int Id, bool Registered, string AgentVersion);

public sealed record AgentStatusResponse(bool Registered, string? LastSeen, double? SecondsAgo);

public sealed record JwtHeader(string Alg, string Typ);

public sealed record JwtPayload(string Sub, long Exp);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(VersionResponse))]
[JsonSerializable(typeof(LoginRequest))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(ErrorDetail))]
[JsonSerializable(typeof(AgentRegistrationRequest))]
[JsonSerializable(typeof(AgentRegistrationResponse))]
[JsonSerializable(typeof(AgentStatusResponse))]
[JsonSerializable(typeof(JwtHeader))]
[JsonSerializable(typeof(JwtPayload))]
public sealed partial class ApiJson : JsonSerializerContext;
