namespace Nexplane.Sandbox;

/// <summary>
/// <c>probe &lt;url&gt;</c>: exit 0 when the URL answers 2xx within 3 s, else 1. Sandbox images are FROM scratch
/// (no curl), so compose healthchecks call the binary itself.
/// </summary>
public static class ProbeRole
{
    public static async Task<int> RunAsync(CommandLine commandLine)
    {
        if (commandLine.Positional is not [var url])
        {
            Console.Error.WriteLine("usage: nexplane-sandbox probe <url>");
            return 2;
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await http.GetAsync(url);
            Console.Out.WriteLine($"{url}: HTTP {(int)response.StatusCode}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception failure) when (failure is HttpRequestException or TaskCanceledException or InvalidOperationException)
        {
            Console.Error.WriteLine($"{url}: {failure.Message}");
            return 1;
        }
    }
}
