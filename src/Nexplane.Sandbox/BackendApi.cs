using System.Text.Json;

namespace Nexplane.Sandbox;

/// <summary>The backend's endpoints. Handlers are plain <see cref="RequestDelegate"/>s: no reflection, AOT-safe.</summary>
public sealed class BackendApi(
    Release release,
    BackendStore store,
    AccessTokens tokens,
    bool includeVersionInHealth,
    string downloadsVersionPrefix)
{
    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/health", new RequestDelegate(Health));
        routes.MapGet("/version", new RequestDelegate(Version));
        routes.MapGet("/downloads/version", new RequestDelegate(DownloadsVersion));
        routes.MapPost("/auth/login", new RequestDelegate(Login));
        routes.MapGet("/assets", new RequestDelegate(Assets));
        routes.MapPost("/agent/register", new RequestDelegate(RegisterAgent));
        routes.MapGet("/agent/status/{asset_id}", new RequestDelegate(AgentStatus));
    }

    Task Health(HttpContext context) =>
        context.Response.WriteAsJsonAsync(
            new HealthResponse("ok", "nexplane", includeVersionInHealth ? release.ReportedVersion : null), ApiJson.Default.HealthResponse);

    Task Version(HttpContext context) =>
        context.Response.WriteAsJsonAsync(new VersionResponse(release.ReportedVersion), ApiJson.Default.VersionResponse);

    Task DownloadsVersion(HttpContext context)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(downloadsVersionPrefix + release.ReportedVersion);
    }

    async Task Login(HttpContext context)
    {
        var request = await ReadJsonAsync(context, ApiJson.Default.LoginRequest);
        if (request?.Email is not { Length: > 0 } email || request.Password is not { Length: > 0 } password)
        {
            await Error(context, StatusCodes.Status422UnprocessableEntity, "email and password are required");
            return;
        }

        var stored = await store.HashedPasswordAsync(email);
        if (stored is null || !PasswordHasher.Verify(password, stored))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await Error(context, StatusCodes.Status401Unauthorized, "Incorrect email or password");
            return;
        }

        await context.Response.WriteAsJsonAsync(new TokenResponse(tokens.Issue(email), "bearer"), ApiJson.Default.TokenResponse);
    }

    async Task Assets(HttpContext context)
    {
        if (!await AuthenticatedAsync(context))
            return;
        var tag = context.Request.Query["tag"].FirstOrDefault();
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(await store.AssetsJsonAsync(string.IsNullOrEmpty(tag) ? null : tag));
    }

    async Task RegisterAgent(HttpContext context)
    {
        var request = await ReadJsonAsync(context, ApiJson.Default.AgentRegistrationRequest);
        if (request?.Hostname is not { Length: > 0 } hostname || request.AgentVersion is not { Length: > 0 } agentVersion)
        {
            await Error(context, StatusCodes.Status422UnprocessableEntity, "hostname and agent_version are required");
            return;
        }

        var id = await store.RegisterAgentAsync(hostname, request.OsType ?? "linux", agentVersion);
        await context.Response.WriteAsJsonAsync(new AgentRegistrationResponse(id, true, agentVersion), ApiJson.Default.AgentRegistrationResponse);
    }

    async Task AgentStatus(HttpContext context)
    {
        if (!int.TryParse(context.Request.RouteValues["asset_id"]?.ToString(), out var assetId))
        {
            await Error(context, StatusCodes.Status422UnprocessableEntity, "asset_id must be an integer");
            return;
        }

        var status = await store.AgentStatusAsync(assetId);
        if (status is null)
        {
            await Error(context, StatusCodes.Status404NotFound, "Asset not found");
            return;
        }

        await context.Response.WriteAsJsonAsync(status, ApiJson.Default.AgentStatusResponse);
    }

    /// <summary>FastAPI's OAuth2 bearer dependency: 401 "Not authenticated" without a token, "Could not validate credentials" with a bad one.</summary>
    async Task<bool> AuthenticatedAsync(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        context.Response.Headers.WWWAuthenticate = "Bearer";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            await Error(context, StatusCodes.Status401Unauthorized, "Not authenticated");
            return false;
        }

        if (tokens.Validate(header[scheme.Length..].Trim()) is null)
        {
            await Error(context, StatusCodes.Status401Unauthorized, "Could not validate credentials");
            return false;
        }

        context.Response.Headers.Remove("WWW-Authenticate");
        return true;
    }

    static async Task<T?> ReadJsonAsync<T>(HttpContext context, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo) where T : class
    {
        try
        {
            return await JsonSerializer.DeserializeAsync(context.Request.Body, typeInfo);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    static Task Error(HttpContext context, int statusCode, string detail)
    {
        context.Response.StatusCode = statusCode;
        return context.Response.WriteAsJsonAsync(new ErrorDetail(detail), ApiJson.Default.ErrorDetail);
    }
}
