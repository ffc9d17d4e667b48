using System.Net.Sockets;

namespace Nexplane.Upgrade.Database;

/// <summary>
/// Where this machine reaches the deployment's database. The runbook's <c>pg_dump -h localhost</c> assumes a
/// published port; Nexplane's production compose publishes none. Then the db container's own address on its
/// compose network is used (a Linux host reaches its bridge networks directly), on the container's port.
/// </summary>
public static class DatabaseAddressResolver
{
    public static async Task<DatabaseTarget> ResolveAsync(
        DatabaseTarget configured,
        Func<CancellationToken, Task<string?>> containerAddress,
        int containerPort,
        Action<string> log,
        CancellationToken cancellationToken)
    {
        if (await AnswersAsync(configured.Host, configured.Port, cancellationToken))
            return configured;
        var address = await containerAddress(cancellationToken);
        if (address is null || !await AnswersAsync(address, containerPort, cancellationToken))
            return configured; // Let the connection itself fail with the operator-worded error.
        log($"The database does not answer on {configured.Host}:{configured.Port} (port not published?); " +
            $"using the db container's address {address}:{containerPort}.");
        return configured with { Host = address, Port = containerPort };
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
