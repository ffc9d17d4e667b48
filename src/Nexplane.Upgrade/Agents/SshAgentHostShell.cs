using System.Net.Sockets;
using Renci.SshNet;
using Renci.SshNet.Common;
using Nexplane.Upgrade.Operator;

namespace Nexplane.Upgrade.Agents;

/// <summary>
/// A shell on an agent host through SSH.NET: public-key login, and the host key must match the fingerprint in the
/// agent hosts file (no trust on first use: a host that shows another key is refused before any command runs).
/// </summary>
public sealed class SshAgentHostShell : IAgentHostShell
{
    readonly SshClient _client;

    SshAgentHostShell(SshClient client) => _client = client;

    public static AgentHostConnector Connector(string? keyPassphrase, TimeSpan timeout, OperatorAdvice advice) =>
        (host, cancellationToken) => ConnectAsync(host, keyPassphrase, timeout, advice, cancellationToken);

    public static async Task<IAgentHostShell> ConnectAsync(AgentHost host, string? keyPassphrase, TimeSpan timeout, OperatorAdvice advice,
        CancellationToken cancellationToken)
    {
        PrivateKeyFile key;
        try
        {
            key = string.IsNullOrEmpty(keyPassphrase) ? new PrivateKeyFile(host.IdentityFile) : new PrivateKeyFile(host.IdentityFile, keyPassphrase);
        }
        catch (Exception exception) when (exception is SshException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            // The message never contains the key or the passphrase, only why the file could not be used.
            throw new AgentHostConnectionException($"{host}: the SSH key {host.IdentityFile} cannot be used: {exception.Message}" +
                                                   (string.IsNullOrEmpty(keyPassphrase) ? $" (if it has a passphrase, pass {advice.Flag(Setting.AgentSshKeyPassphrase)})" : ""));
        }

        var connection = new ConnectionInfo(host.Address, host.Port, host.User, new PrivateKeyAuthenticationMethod(host.User, key)) { Timeout = timeout };
        var client = new SshClient(connection);
        string? offeredKey = null;
        client.HostKeyReceived += (_, received) =>
        {
            offeredKey = "SHA256:" + received.FingerPrintSHA256;
            received.CanTrust = string.Equals(offeredKey, host.HostKeySha256, StringComparison.Ordinal);
        };
        try
        {
            await client.ConnectAsync(cancellationToken);
            return new SshAgentHostShell(client);
        }
        catch (Exception exception) when (exception is SshConnectionException && offeredKey is not null && offeredKey != host.HostKeySha256)
        {
            client.Dispose();
            throw new AgentHostConnectionException(
                $"{host}: the host key is {offeredKey}, but the agent hosts file expects {host.HostKeySha256}. Refused (a changed key can mean " +
                "another machine answers at this address). If the host was really reinstalled, put the new fingerprint in the file.", exception);
        }
        catch (Exception exception) when (exception is SshException or SocketException or TimeoutException or IOException)
        {
            client.Dispose();
            var why = exception is SshAuthenticationException
                ? $"user {host.User} was refused with the key {host.IdentityFile}"
                : exception.Message;
            throw new AgentHostConnectionException($"{host}: SSH connection failed: {why}", exception);
        }
    }

    public async Task<RemoteResult> RunAsync(string command, CancellationToken cancellationToken)
    {
        using var ssh = _client.CreateCommand(command);
        await ssh.ExecuteAsync(cancellationToken);
        return new RemoteResult(ssh.ExitStatus ?? -1, ssh.Result, ssh.Error);
    }

    public async Task<RemoteResult> RunWithInputAsync(string command, Stream input, CancellationToken cancellationToken)
    {
        using var ssh = _client.CreateCommand(command);
        var execution = ssh.ExecuteAsync(cancellationToken);
        await using (var remoteInput = ssh.CreateInputStream())
            await input.CopyToAsync(remoteInput, 81920, cancellationToken);
        await execution;
        return new RemoteResult(ssh.ExitStatus ?? -1, ssh.Result, ssh.Error);
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
