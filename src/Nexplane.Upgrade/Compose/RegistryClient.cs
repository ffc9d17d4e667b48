using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Nexplane.Upgrade.Compose;

/// <summary>
/// Asks an image's registry whether a tag exists, with a manifest HEAD request (Registry HTTP API v2), so
/// Preflight can refuse a missing image before anything is pulled or stopped. Loopback registries speak plain
/// HTTP; others HTTPS. A registry that asks for a login gets the one `docker login` stored (Basic, or through its
/// bearer-token service), else the anonymous token flow that public registries use.
/// </summary>
public sealed partial class RegistryClient(HttpClient http, RegistryCredentials credentials)
{
    static readonly string[] ManifestMediaTypes =
    [
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    ];

    /// <summary>The tag's manifest digest, or null when the registry says the tag does not exist.</summary>
    public async Task<string?> FindManifestDigestAsync(ImageReference image, CancellationToken cancellationToken)
    {
        var (registry, repository) = SplitRegistry(image.Repository);
        var scheme = IsLoopback(registry) ? "http" : "https";
        var url = new Uri($"{scheme}://{registry}/v2/{repository}/manifests/{image.Tag ?? "latest"}");

        using var response = await SendHeadAsync(url, authorization: null, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized || response.Headers.WwwAuthenticate.FirstOrDefault() is not { } challenge)
            return Interpret(response, image);
        var login = await credentials.FindAsync(registry, cancellationToken);
        AuthenticationHeaderValue? authorization = challenge.Scheme switch
        {
            "Bearer" => new("Bearer", await TokenAsync(challenge, login, cancellationToken)),
            "Basic" when login is not null => Basic(login),
            _ => null,
        };
        if (authorization is null)
            return Interpret(response, image);
        using var retried = await SendHeadAsync(url, authorization, cancellationToken);
        return Interpret(retried, image);
    }

    static AuthenticationHeaderValue Basic(RegistryLogin login) =>
        new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{login.Username}:{login.Password}")));

    static string? Interpret(HttpResponseMessage response, ImageReference image) => response.StatusCode switch
    {
        HttpStatusCode.OK => response.Headers.TryGetValues("Docker-Content-Digest", out var digests) ? digests.First() : "unknown-digest",
        HttpStatusCode.NotFound => null,
        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => throw new RegistryException(
            $"The registry refused to show {image} ({(int)response.StatusCode}) with the login docker has stored for it, if any. " +
            "Log in with docker login on this machine (as the user running this tool); Preflight and Pull use that login."),
        _ => throw new RegistryException($"The registry answered {(int)response.StatusCode} {response.ReasonPhrase} for {image}."),
    };

    async Task<HttpResponseMessage> SendHeadAsync(Uri url, AuthenticationHeaderValue? authorization, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, url);
        foreach (var mediaType in ManifestMediaTypes)
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(mediaType));
        request.Headers.Authorization = authorization;
        try
        {
            return await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException exception)
        {
            throw new RegistryException($"The registry at {url.Authority} cannot be reached: {exception.Message}");
        }
    }

    /// <summary>A bearer token from the registry's token service: with the stored login when there is one, else anonymous.</summary>
    async Task<string> TokenAsync(AuthenticationHeaderValue challenge, RegistryLogin? login, CancellationToken cancellationToken)
    {
        var parameters = ChallengeParameter().Matches(challenge.Parameter ?? "")
            .ToDictionary(m => m.Groups["key"].Value, m => m.Groups["value"].Value);
        if (!parameters.TryGetValue("realm", out var realm))
            throw new RegistryException("The registry asked for a token without saying where to get one.");
        var query = string.Join("&", parameters.Where(p => p.Key != "realm").Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}"));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{realm}?{query}");
        if (login is not null)
            request.Headers.Authorization = Basic(login);
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new RegistryException($"The registry's token service answered {(int)response.StatusCode}.");
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return (document.RootElement.TryGetProperty("token", out var token) ? token : document.RootElement.GetProperty("access_token")).GetString()!;
    }

    /// <summary>Docker's rules: the first path part is a registry when it has a dot, a colon or is localhost.</summary>
    public static (string Registry, string Repository) SplitRegistry(string repository)
    {
        var slash = repository.IndexOf('/');
        if (slash > 0)
        {
            var first = repository[..slash];
            if (first.Contains('.') || first.Contains(':') || first == "localhost")
                return (first, repository[(slash + 1)..]);
        }
        return ("registry-1.docker.io", slash < 0 ? "library/" + repository : repository);
    }

    static bool IsLoopback(string registry)
    {
        var host = registry.Split(':')[0];
        return host == "localhost" || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
    }

    [GeneratedRegex(@"(?<key>\w+)=""(?<value>[^""]*)""")]
    private static partial Regex ChallengeParameter();
}

/// <summary>The registry could not answer whether an image exists. Nothing was changed.</summary>
public sealed class RegistryException(string message) : Exception(message);
