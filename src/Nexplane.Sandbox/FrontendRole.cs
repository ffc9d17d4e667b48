using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Nexplane.Sandbox;

/// <summary>
/// The web UI container: an HTML page naming the release, <c>/version</c>, and one static asset, on HOST/PORT
/// (default 127.0.0.1:3000). 0.3.4's frontend is broken: it starts, then answers 500 everywhere.
/// With <c>NEXPLANE_FRONTEND_STYLE=spa</c> (<c>--style spa</c>) it is shaped like the real one instead: a Vite
/// single-page app with no version endpoint, see <see cref="MapSinglePageApp"/>.
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

        var style = commandLine.Setting("style", "NEXPLANE_FRONTEND_STYLE", "runbook");
        if (style == "spa")
            return await RunSinglePageAppAsync(app, release, host, port, broken);
        if (style != "runbook")
            throw new SandboxConfigurationException($"NEXPLANE_FRONTEND_STYLE (--style) must be runbook or spa, got '{style}'.");

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

    /// <summary>
    /// Real Nexplane's frontend: a Vite build behind a server that answers every path it has no file for with the
    /// index page (200, HTML), <c>/version</c> included. The index names no version; only the hashed bundle it
    /// references (<c>/assets/index-&lt;hash&gt;.js</c>) carries it, as <c>"0.3.0"</c> and <c>v0.3.0</c>.
    /// </summary>
    static async Task<int> RunSinglePageAppAsync(WebApplication app, Release release, string host, int port, bool broken)
    {
        var version = release.ReportedVersion;
        var script = $"/assets/index-{BundleHash("js", version)}.js";
        var stylesheet = $"/assets/index-{BundleHash("css", version)}.css";
        var index = $"""
            <!doctype html>
            <html lang="en">
              <head>
                <meta charset="UTF-8" />
                <link rel="icon" type="image/svg+xml" href="/nexplane.svg" />
                <meta name="viewport" content="width=device-width, initial-scale=1.0" />
                <title>Nexplane</title>
                <script type="module" crossorigin src="{script}"></script>
                <link rel="stylesheet" crossorigin href="{stylesheet}">
              </head>
              <body>
                <div id="root"></div>
              </body>
            </html>

            """;
        // One line, as Vite minifies it.
        var bundle = $$"""
            var Bs=Object.defineProperty;var Us=(e,t,n)=>t in e?Bs(e,t,{enumerable:!0,value:n}):e[t]=n;const Nx={name:"nexplane-frontend",version:"{{version}}",apiBase:"/api"};function Lg(){return`Nexplane v{{version}}`}document.getElementById("root").textContent=Lg();

            """;

        app.MapGet(script, new RequestDelegate(context =>
        {
            context.Response.ContentType = "text/javascript";
            return context.Response.WriteAsync(bundle);
        }));
        app.MapGet(stylesheet, new RequestDelegate(context =>
        {
            context.Response.ContentType = "text/css";
            return context.Response.WriteAsync(":root{font-family:Inter,system-ui,sans-serif}#root{margin:0 auto}\n");
        }));
        app.MapFallback(new RequestDelegate(context =>
        {
            context.Response.ContentType = "text/html";
            return context.Response.WriteAsync(index);
        }));

        if (!await HttpHosting.TryStartAsync(app, host, port))
            return 1;
        Console.Out.WriteLine("");
        Console.Out.WriteLine("  VITE v5.4.10  ready in 312 ms");
        Console.Out.WriteLine("");
        Console.Out.WriteLine($"  ➜  Network: http://{host}:{port}/");
        if (broken)
            Console.Error.WriteLine("Error: failed to render the application shell: TypeError: Cannot read properties of undefined (reading 'assetColumns')");
        await app.WaitForShutdownAsync();
        return 0;
    }

    /// <summary>Eight characters that change with the release, like Vite's content hashes.</summary>
    static string BundleHash(string kind, string version) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"nexplane-frontend {kind} {version}")))[..8];
}
