using System.Net.Sockets;

namespace Nexplane.Upgrade.Database;

/// <summary>How this machine can reach the deployment's db container, as the Docker engine describes it.</summary>
/// <param name="Address">The container's own address on its (first) network; null on the host network.</param>
/// <param name="PublishedHost">The host address its database port is published on, or null when it is not published.</param>
public sealed record DatabaseContainerEndpoint(string? Address, string? PublishedHost, int? PublishedPort, bool HostNetwork);

/// <summary>
/// Where this machine reaches the deployment's database. The runbook's <c>pg_dump -h localhost</c> assumes a
/// published port; Nexplane's production compose publishes none. So the deployment's own db container decides: its
/// published port, else (host network) the configured port on this machine, else its own address on its compose
/// network (a Linux host reaches its bridge networks directly). Whatever else listens on 127.0.0.1:5432 (a host
/// PostgreSQL, another deployment's port that a shared parameter file names) is never taken for this deployment's
/// database unless the operator named its host.
/// </summary>
public static class DatabaseAddressResolver
{
    /// <param name="hostNamedExplicitly">The operator named the database host (e.g. a database outside compose): that address is tried first.</param>
    public static async Task<DatabaseTarget> ResolveAsync(
        DatabaseTarget configured,
        bool hostNamedExplicitly,
        Func<CancellationToken, Task<DatabaseContainerEndpoint?>> container,
        int containerPort,
        Action<string> log,
        CancellationToken cancellationToken)
    {
        if (hostNamedExplicitly && await AnswersAsync(configured.Host, configured.Port, cancellationToken))
            return configured;
        var endpoint = await container(cancellationToken);
        if (endpoint is null)
            return configured; // No db container: let the connection itself fail with the operator-worded error.

        var candidates = new List<(string Host, int Port, string Why)>();
        if (endpoint.PublishedPort is { } published)
            candidates.Add((endpoint.PublishedHost is null or "" or "0.0.0.0" or "::" ? "127.0.0.1" : endpoint.PublishedHost, published,
                $"the port the db container publishes for {containerPort}"));
        if (endpoint.HostNetwork)
            candidates.Add(("127.0.0.1", configured.Port, "the db container uses the host network"));
        if (endpoint.Address is { } address)
            candidates.Add((address, containerPort, "the db container's own address (its port is not published)"));

        foreach (var (host, port, why) in candidates)
        {
            if (!await AnswersAsync(host, port, cancellationToken))
                continue;
            if (host != configured.Host || port != configured.Port)
                log($"Database: {host}:{port} ({why}).");
            return configured with { Host = host, Port = port };
        }
        // None answers yet: the connection fails at the container's own address with the operator-worded error, rather
        // than reaching whatever else answers at the configured one.
        return candidates.Count > 0 ? configured with { Host = candidates[0].Host, Port = candidates[0].Port } : configured;
    }

    static async Task<bool> AnswersAsync(string host, int port, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(host, port, timeout.Token);
            return true;
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
