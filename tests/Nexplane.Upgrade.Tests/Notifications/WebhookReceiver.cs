using System.Net;
using System.Net.Sockets;

namespace Nexplane.Upgrade.Tests.Notifications;

/// <summary>
/// A webhook endpoint on a free 127.0.0.1 port (HttpListener) that records every body posted to it and answers with
/// <see cref="Status"/>, or never answers while <see cref="Hang"/> is set, as a stuck chat server would.
/// </summary>
sealed class WebhookReceiver : IDisposable
{
    readonly HttpListener _listener;
    readonly List<string> _bodies = [];
    readonly CancellationTokenSource _stopping = new();

    public WebhookReceiver(string path = "/services/T000/B000/tok3nInThePath")
    {
        // A port found free may be taken before the listener binds it (the suites run side by side): take another.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            _listener = new HttpListener();
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                _listener.Start();
                Url = $"http://127.0.0.1:{port}{path}";
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                _listener.Close();
            }
        }
        _ = Task.Run(ServeAsync);
    }

    public string Url { get; }
    public HttpStatusCode Status { get; set; } = HttpStatusCode.OK;
    public bool Hang { get; set; }

    public IReadOnlyList<string> Bodies
    {
        get
        {
            lock (_bodies)
                return _bodies.ToList();
        }
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
            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    async Task AnswerAsync(HttpListenerContext context)
    {
        using var reader = new StreamReader(context.Request.InputStream);
        var body = await reader.ReadToEndAsync();
        lock (_bodies)
            _bodies.Add(body);
        if (Hang)
        {
            await Task.Delay(Timeout.Infinite, _stopping.Token).ContinueWith(_ => { });
            return;
        }
        context.Response.StatusCode = (int)Status;
        context.Response.Close();
    }

    static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _listener.Close();
    }
}
