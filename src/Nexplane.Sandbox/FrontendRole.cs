using System.Net;

namespace Nexplane.Sandbox;

/// <summary>
/// The web UI container: an HTML page naming the release, <c>/version</c>, and one static asset, on HOST/PORT
/// (default 127.0.0.1:3000). 0.3.4's frontend is broken: it starts, then answers 500 everywhere.
/// </summary>
public static class FrontendRole
{
    const string AppScript = """
        // Nexplane UI bootstrap (sandbox build)
        (function () {
          fetch('/version').then(function (r) { return r.json(); }).then(function (v) {
            document.getElementById('version').textContent = v.version;
          });
        })();

        """;

    public static async Task<int> RunAsync(CommandLine commandLine)
    {
        var release = commandLine.Release();
        var broken = release.Defect == ReleaseDefect.FrontendBroken;
        var (builder, host, port) = HttpHosting.CreateBuilder(commandLine, defaultPort: 3000);
        await using var app = builder.Build();
        app.UseAccessLog();
        if (broken)
            app.Run(async context =>
            {
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                context.Response.ContentType = "text/html; charset=utf-8";
                await context.Response.WriteAsync("<html><body><h1>500 Internal Server Error</h1><p>TypeError: Cannot read properties of undefined (reading 'assetColumns')</p></body></html>");
            });

        app.MapGet("/", new RequestDelegate(context =>
        {
            context.Response.ContentType = "text/html; charset=utf-8";
            var version = WebUtility.HtmlEncode(release.ReportedVersion);
            return context.Response.WriteAsync($"""
                <!doctype html>
                <html lang="en">
                <head><meta charset="utf-8"><title>Nexplane {version}</title><script src="/assets/app.js" defer></script></head>
                <body><h1>Nexplane <span id="version">{version}</span></h1><p>Sign in to manage your assets.</p></body>
                </html>

                """);
        }));
        app.MapGet("/version", new RequestDelegate(context =>
            context.Response.WriteAsJsonAsync(new VersionResponse(release.ReportedVersion), ApiJson.Default.VersionResponse)));
        app.MapGet("/assets/app.js", new RequestDelegate(context =>
        {
            context.Response.ContentType = "application/javascript; charset=utf-8";
            return context.Response.WriteAsync(AppScript);
        }));

        if (!await HttpHosting.TryStartAsync(app, host, port))
            return 1;
        Console.Out.WriteLine($"Nexplane frontend {release.ReportedVersion} listening on http://{host}:{port}");
        if (broken)
            Console.Error.WriteLine("ERROR: failed to render the application shell: TypeError: Cannot read properties of undefined (reading 'assetColumns')");
        await app.WaitForShutdownAsync();
        Console.Out.WriteLine("Nexplane frontend stopped");
        return 0;
    }
}
