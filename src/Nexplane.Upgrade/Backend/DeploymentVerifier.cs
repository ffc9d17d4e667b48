using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Operator;

namespace Nexplane.Upgrade.Backend;

/// <summary>One check of the upgraded deployment, as the operator reads it.</summary>
public sealed record VerificationGate(string Name, bool Passed, string Detail)
{
    public override string ToString() => $"[{(Passed ? "ok" : "FAILED")}] {Name}: {Detail}";
}

/// <summary>
/// The runbook's "verify": the backend reports the target version, a real user can log in, and the asset
/// inventory answers with that user's token. Every gate runs (a later one is only skipped when it needs what an
/// earlier one failed to give), so the operator sees all that is wrong at once. The password and the token never
/// appear in a gate's detail.
/// </summary>
public sealed class DeploymentVerifier(HttpClient http, OperatorAdvice advice)
{
    public async Task<IReadOnlyList<VerificationGate>> VerifyAsync(
        Uri apiUrl, IReadOnlyList<VersionEndpoint> versionEndpoints, NexplaneVersion target,
        string email, string? password, CancellationToken cancellationToken)
    {
        var gates = new List<VerificationGate> { await VersionGateAsync(apiUrl, versionEndpoints, target, cancellationToken) };
        var (loginGate, token) = await LoginGateAsync(apiUrl, email, password, cancellationToken);
        gates.Add(loginGate);
        gates.Add(token is null
            ? new VerificationGate("assets", false, "not checked: it needs the token the login gate did not get")
            : await AssetsGateAsync(apiUrl, token, cancellationToken));
        return gates;
    }

    async Task<VerificationGate> VersionGateAsync(Uri apiUrl, IReadOnlyList<VersionEndpoint> endpoints, NexplaneVersion target, CancellationToken cancellationToken)
    {
        try
        {
            var reported = await new VersionProbe(http, advice).GetVersionAsync(apiUrl, endpoints, cancellationToken);
            return reported.Version.Equals(target)
                ? new VerificationGate("version", true, $"{reported.Endpoint} reports {reported.Version}")
                : new VerificationGate("version", false,
                    $"{reported.Endpoint} reports {reported.Version}, not {target}: the image tagged {target} is not that release");
        }
        catch (VersionProbeException exception)
        {
            return new VerificationGate("version", false, exception.Message);
        }
    }

    /// <summary>One real login; Preflight tries it on the running version, so a wrong password never costs a downtime.</summary>
    public async Task<(VerificationGate Gate, string? Token)> LoginGateAsync(Uri apiUrl, string email, string? password, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(password))
            return (new VerificationGate("login", false,
                $"no password for the login check: pass {advice.Flag(Setting.LoginPassword)} or set it in the deployment's .env ({advice.Flag(Setting.LoginPasswordVariable)})"), null);
        var url = Combine(apiUrl, "/auth/login");
        try
        {
            using var response = await http.PostAsJsonAsync(url, new Dictionary<string, string> { ["email"] = email, ["password"] = password }, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
                return (new VerificationGate("login", false, $"POST {url} as {email} answered {(int)response.StatusCode} {Detail(body)}"), null);
            var token = JsonFields.ReadString(body, "access_token");
            return token is null
                ? (new VerificationGate("login", false, $"POST {url} answered {(int)response.StatusCode} without an access_token"), null)
                : (new VerificationGate("login", true, $"{email} logged in"), token);
        }
        // An HttpClient timeout is a failed gate too; only the caller's own cancellation ends the check.
        catch (Exception exception) when (exception is HttpRequestException || exception is TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return (new VerificationGate("login", false, $"POST {url}: {exception.Message}"), null);
        }
    }

    async Task<VerificationGate> AssetsGateAsync(Uri apiUrl, string token, CancellationToken cancellationToken)
    {
        var url = Combine(apiUrl, "/assets");
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
                return new VerificationGate("assets", false, $"GET {url} answered {(int)response.StatusCode} {Detail(body)}");
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Array
                ? new VerificationGate("assets", true, $"{document.RootElement.GetArrayLength()} assets listed")
                : new VerificationGate("assets", false, $"GET {url} answered a JSON {document.RootElement.ValueKind}, not a list");
        }
        catch (Exception exception) when (exception is HttpRequestException or JsonException
                                          || exception is TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new VerificationGate("assets", false, $"GET {url}: {exception.Message}");
        }
    }

    static Uri Combine(Uri apiUrl, string path) => new(apiUrl.ToString().TrimEnd('/') + path);

    /// <summary>The API's own explanation (<c>{"detail": ...}</c>), else a short excerpt of the body.</summary>
    static string Detail(string body) =>
        JsonFields.ReadString(body, "detail") is { } detail ? $"'{detail}'" : body.Length > 80 ? $"'{body[..80]}...'" : $"'{body.Trim()}'";
}
