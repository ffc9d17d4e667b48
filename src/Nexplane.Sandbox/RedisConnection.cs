using System.Net.Sockets;
using System.Text;

namespace Nexplane.Sandbox;

/// <summary>
/// Just enough RESP over a TCP socket for the worker's liveness (AUTH, SELECT, PING, SET): the sandbox needs to
/// prove redis is reachable, not a redis client library.
/// </summary>
public sealed class RedisConnection : IAsyncDisposable
{
    readonly TcpClient client;
    readonly NetworkStream stream;
    readonly StreamReader reader;

    RedisConnection(TcpClient client)
    {
        this.client = client;
        stream = client.GetStream();
        reader = new StreamReader(stream, Encoding.UTF8);
    }

    /// <summary><c>redis://[:password@]host[:port][/db]</c>.</summary>
    public static async Task<RedisConnection> ConnectAsync(string url, CancellationToken cancellation)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != "redis")
            throw new RedisException("REDIS_URL must look like redis://host:6379/0 (the value is not shown).");

        var client = new TcpClient();
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation))
        {
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            try
            {
                await client.ConnectAsync(uri.Host, uri.Port > 0 ? uri.Port : 6379, timeout.Token);
            }
            catch (Exception failure) when (failure is SocketException or OperationCanceledException && !cancellation.IsCancellationRequested)
            {
                client.Dispose();
                throw new RedisException($"cannot connect to redis at {uri.Host}:{(uri.Port > 0 ? uri.Port : 6379)}: {failure.Message}");
            }
        }

        var connection = new RedisConnection(client);
        var password = uri.UserInfo.Split(':', 2) is [_, var secret] ? Uri.UnescapeDataString(secret) : null;
        if (!string.IsNullOrEmpty(password))
            await connection.CommandAsync("AUTH", password);
        if (int.TryParse(uri.AbsolutePath.Trim('/'), out var database) && database != 0)
            await connection.CommandAsync("SELECT", database.ToString());
        return connection;
    }

    /// <summary>Sends one command; returns the simple/bulk/integer reply as text, throws on an error reply.</summary>
    public async Task<string?> CommandAsync(params string[] arguments)
    {
        var request = new StringBuilder($"*{arguments.Length}\r\n");
        foreach (var argument in arguments)
            request.Append($"${Encoding.UTF8.GetByteCount(argument)}\r\n{argument}\r\n");
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()));

        var line = await reader.ReadLineAsync() ?? throw new RedisException("redis closed the connection");
        switch (line[0])
        {
            case '+':
            case ':':
                return line[1..];
            case '-':
                // Never echo the command: it may be AUTH with the password.
                throw new RedisException($"redis rejected {arguments[0]}: {line[1..]}");
            case '$':
                var length = int.Parse(line[1..]);
                if (length < 0)
                    return null;
                var buffer = new char[length];
                await reader.ReadBlockAsync(buffer, 0, length);
                await reader.ReadLineAsync();
                return new string(buffer);
            default:
                throw new RedisException($"unexpected redis reply to {arguments[0]}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stream.DisposeAsync();
        reader.Dispose();
        client.Dispose();
    }
}

public sealed class RedisException(string message) : Exception(message);
