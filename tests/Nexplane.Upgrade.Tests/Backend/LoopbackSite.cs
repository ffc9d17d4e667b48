using System.Net;
using System.Text;

using Nexplane.Upgrade.Tests.Notifications;

namespace Nexplane.Upgrade.Tests.Backend;

/// <summary>
/// A real HTTP server on a free 127.0.0.1 port (HttpListener), answering per path; a path it does not know is a 404,
/// as nginx answers for a file it does not have. Each route sees how many times it was asked before.
/// </summary>
sealed class LoopbackSite : IDisposable
{
    readonly HttpListener _listener;
    readonly Dictionary<string, Func<int, (HttpStatusCode Status, string ContentType, string Body)>> _routes = new();
    readonly Dictionary<string, int> _asked = new();
    readonly Task _serving;

    public LoopbackSite()
    {
        (_listener, var port) = LoopbackListener.Start();
        Url = new Uri($"http://127.0.0.1:{port}/");
        _serving = Task.Run(ServeAsync);
    }

    public Uri Url { get; }

    public LoopbackSite Html(string path, string html) => On(path, _ => (HttpStatusCode.OK, "text/html; charset=utf-8", html));

    public LoopbackSite On(string path, HttpStatusCode status, string contentType, string body) => On(path, _ => (status, contentType, body));

    public LoopbackSite On(string path, Func<int, (HttpStatusCode, string, string)> answer)
    {
        lock (_routes)
            _routes[path] = answer;
        return this;
    }

    public int Asked(string path)
    {
        lock (_routes)
            return _asked.GetValueOrDefault(path);
    }

    async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            var path = context.Request.Url!.AbsolutePath;
            (HttpStatusCode Status, string ContentType, string Body) answer;
            lock (_routes)
            {
                var count = _asked.GetValueOrDefault(path);
                _asked[path] = count + 1;
                answer = _routes.TryGetValue(path, out var route)
                    ? route(count)
                    : (HttpStatusCode.NotFound, "text/html", "<html><body><h1>404 Not Found</h1><hr><center>nginx</center></body></html>");
            }
            var bytes = Encoding.UTF8.GetBytes(answer.Body);
            context.Response.StatusCode = (int)answer.Status;
            context.Response.ContentType = answer.ContentType;
            context.Response.ContentLength64 = bytes.Length;
            try
            {
                await context.Response.OutputStream.WriteAsync(bytes);
                context.Response.Close();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException)
            {
            }
        }
    }

    /// <summary>A port nothing listens on right now: the kernel's pick for a socket bound and closed at once.</summary>
    public void Dispose()
    {
        _listener.Close();
        _serving.Wait(TimeSpan.FromSeconds(5));
    }
}
