using System.Net;

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
        (_listener, var port) = LoopbackListener.Start();
        Url = $"http://127.0.0.1:{port}{path}";
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

    public void Dispose()
    {
        _stopping.Cancel();
        _listener.Close();
    }
}
