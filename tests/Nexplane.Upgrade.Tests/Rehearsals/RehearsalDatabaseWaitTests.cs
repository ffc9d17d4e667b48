using System.Net;
using System.Net.Sockets;
using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Rehearsals;
using Nexplane.Upgrade.Tests.Processes;
using Nexplane.Upgrade.Tests.Time;
using static Nexplane.Upgrade.Tests.Compose.ScriptedDocker;
using Nexplane.Upgrade.Tests.Operator;
using Nexplane.Upgrade.Tests.Runs;

namespace Nexplane.Upgrade.Tests.Rehearsals;

/// <summary>The rehearsal's wait for its copy's database server, against a port nobody listens on, on a fake clock.</summary>
public sealed class RehearsalDatabaseWaitTests
{
    static DatabaseTarget Nobody()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new DatabaseTarget("127.0.0.1", port, "nexplane", "nexplane", "secret");
    }

    static Rehearsal Rehearsal(Docker.DotNet.IDockerClient docker, AdvancingClock clock) =>
        new(docker, new HttpClient(), new RecordingCommandRunner(), new RecordedOutput(), new Nexplane.Upgrade.Deployments.SecretMask(_ => { }, text => text), TestAdvice.Nuke, clock: clock);

    [Fact]
    public async Task A_server_that_never_accepts_a_login_is_given_up_on_at_the_timeout_polling_every_200_ms()
    {
        var clock = new AdvancingClock();
        var (docker, _) = Inspecting(Container(running: true, restarts: 0));

        var failed = await Assert.ThrowsAsync<RehearsalException>(() =>
            Rehearsal(docker, clock).WaitForDatabaseAsync(Nobody(), "copy-db", TimeSpan.FromSeconds(1), CancellationToken.None));

        Assert.StartsWith("The copy's database server did not accept a login within 1 s (--migration-timeout); last: ", failed.Message);
        Assert.Equal(5, clock.Delays.Count);
        Assert.All(clock.Delays, delay => Assert.Equal(TimeSpan.FromMilliseconds(200), delay));
    }

    [Fact]
    public async Task A_server_that_exits_is_reported_at_once()
    {
        var clock = new AdvancingClock();
        var (docker, _) = Inspecting(Container(running: true, restarts: 0), Container(running: false, restarts: 0, exitCode: 1));

        var failed = await Assert.ThrowsAsync<RehearsalException>(() =>
            Rehearsal(docker, clock).WaitForDatabaseAsync(Nobody(), "copy-db", TimeSpan.FromMinutes(5), CancellationToken.None));

        Assert.Equal("The copy's database server exited (code 1) before accepting connections.", failed.Message);
        Assert.Single(clock.Delays);
    }
}
