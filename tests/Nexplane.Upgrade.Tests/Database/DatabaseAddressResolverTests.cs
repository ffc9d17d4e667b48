using System.Net;
using System.Net.Sockets;
using Nexplane.Upgrade.Database;

namespace Nexplane.Upgrade.Tests.Database;

/// <summary>
/// The deployment's own db container says where its database is; something else listening on the default address
/// (a host PostgreSQL, another deployment) is never taken for it. Real loopback listeners stand in for servers.
/// </summary>
public sealed class DatabaseAddressResolverTests : IDisposable
{
    readonly TcpListener _decoy = Listen();
    readonly TcpListener _published = Listen();
    readonly List<string> _log = [];

    static TcpListener Listen()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return listener;
    }

    static int PortOf(TcpListener listener) => ((IPEndPoint)listener.LocalEndpoint).Port;

    DatabaseTarget Configured => new("127.0.0.1", PortOf(_decoy), "nexplane", "nexplane", "pw");

    Task<DatabaseTarget> ResolveAsync(bool explicitly, DatabaseContainerEndpoint? endpoint) =>
        DatabaseAddressResolver.ResolveAsync(Configured, explicitly, _ => Task.FromResult(endpoint), 5432, _log.Add, CancellationToken.None);

    [Fact]
    public async Task A_default_address_that_answers_is_not_trusted_over_the_containers_published_port()
    {
        var resolved = await ResolveAsync(explicitly: false, new DatabaseContainerEndpoint("172.18.0.2", "0.0.0.0", PortOf(_published), HostNetwork: false));

        Assert.Equal(("127.0.0.1", PortOf(_published)), (resolved.Host, resolved.Port));
        Assert.Contains(_log, line => line.Contains("publishes"));
    }

    [Fact]
    public async Task A_host_the_operator_named_is_used_when_it_answers()
    {
        var resolved = await ResolveAsync(explicitly: true, new DatabaseContainerEndpoint("172.18.0.2", null, null, HostNetwork: false));

        Assert.Equal(Configured, resolved);
    }

    [Fact]
    public async Task A_port_from_a_parameter_file_that_another_deployment_answers_on_is_not_taken_for_a_bridged_db()
    {
        // The sandbox's parameters.json names 55432; a deployment whose db publishes nothing is reached at its own address.
        var resolved = await ResolveAsync(explicitly: false, new DatabaseContainerEndpoint("127.0.0.9", null, null, HostNetwork: false));

        // Nothing answers on 127.0.0.9:5432 here: the connection is left to fail there, never sent to the decoy that answers.
        Assert.Equal(("127.0.0.9", 5432), (resolved.Host, resolved.Port));
    }

    [Fact]
    public async Task A_container_on_the_host_network_is_reached_on_the_configured_port()
    {
        var resolved = await ResolveAsync(explicitly: false, new DatabaseContainerEndpoint(null, null, null, HostNetwork: true));

        Assert.Equal(("127.0.0.1", PortOf(_decoy)), (resolved.Host, resolved.Port));
    }

    [Fact]
    public async Task Without_a_db_container_the_configured_address_is_left_for_the_connection_to_judge()
    {
        var resolved = await ResolveAsync(explicitly: false, null);

        Assert.Equal(Configured, resolved);
        Assert.Empty(_log);
    }

    public void Dispose()
    {
        _decoy.Stop();
        _published.Stop();
    }
}
