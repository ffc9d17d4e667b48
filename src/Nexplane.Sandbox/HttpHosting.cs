using System.Net;
using Microsoft.AspNetCore.WebUtilities;

namespace Nexplane.Sandbox;

/// <summary>
/// The Kestrel setup every HTTP role shares: slim builder (AOT-safe), explicit HOST/PORT, no ASP.NET log noise,
/// a one-second graceful stop, and a uvicorn-style access log.
/// </summary>
public static class HttpHosting
{
    public static (WebApplicationBuilder Builder, string Host, int Port) CreateBuilder(CommandLine commandLine, int defaultPort)
    {
        var host = commandLine.Setting("host", "HOST", "127.0.0.1");
        var port = commandLine.IntegerSetting("port", "PORT", defaultPort);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(1));
        builder.Services.Configure<ConsoleLifetimeOptions>(options => options.SuppressStatusMessages = true);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            if (host is "localhost")
                kestrel.ListenLocalhost(port);
            else if (IPAddress.TryParse(host, out var address))
                kestrel.Listen(address, port);
            else
                kestrel.ListenAnyIP(port);
        });
        return (builder, host, port);
    }

    /// <summary>Logs each request after it completes: <c>INFO:     127.0.0.1:50312 - "GET /health HTTP/1.1" 200 OK</c>.</summary>
    public static void UseAccessLog(this WebApplication app) =>
        app.Use(async (context, next) =>
        {
            await next(context);
            var client = $"{context.Connection.RemoteIpAddress}:{context.Connection.RemotePort}";
            var path = context.Request.Path + context.Request.QueryString;
            PythonLog.UvicornAccess(client, context.Request.Method, path, context.Response.StatusCode,
                ReasonPhrases.GetReasonPhrase(context.Response.StatusCode));
        });

    /// <summary>Starts listening; a port already in use is reported like uvicorn does and yields false.</summary>
    public static async Task<bool> TryStartAsync(WebApplication app, string host, int port)
    {
        try
        {
            await app.StartAsync();
            return true;
        }
        catch (IOException bindFailure)
        {
            PythonLog.Uvicorn("ERROR", $"[Errno 98] error while attempting to bind on address ('{host}', {port}): {bindFailure.Message}");
            return false;
        }
    }
}
