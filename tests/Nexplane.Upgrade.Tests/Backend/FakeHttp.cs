using System.Net;

namespace Nexplane.Upgrade.Tests.Backend;

/// <summary>An HttpClient whose answers are given per "METHOD path", recording each request body.</summary>
sealed class FakeHttp : HttpMessageHandler
{
    readonly Dictionary<string, Func<HttpRequestMessage, (HttpStatusCode Status, string Body)>> _routes = new();

    public List<string> RequestBodies { get; } = [];

    public List<string?> AuthorizationHeaders { get; } = [];

    public FakeHttp On(string route, HttpStatusCode status, string body) => On(route, _ => (status, body));

    public FakeHttp On(string route, Func<HttpRequestMessage, (HttpStatusCode, string)> answer)
    {
        _routes[route] = answer;
        return this;
    }

    public HttpClient Client() => new(this);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        RequestBodies.Add(request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken));
        AuthorizationHeaders.Add(request.Headers.Authorization?.ToString());
        var route = $"{request.Method} {request.RequestUri!.AbsolutePath}";
        var (status, body) = _routes.TryGetValue(route, out var answer) ? answer(request) : (HttpStatusCode.NotFound, "{\"detail\":\"Not Found\"}");
        return new HttpResponseMessage(status) { Content = new StringContent(body) };
    }
}
