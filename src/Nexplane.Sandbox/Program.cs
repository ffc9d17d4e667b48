namespace Nexplane.Sandbox;

/// <summary>
/// Composition root: one binary, several roles, so every sandbox image can carry the same file
/// and only its command line decides what it pretends to be.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var commandLine = CommandLine.Parse(args);
        if (commandLine is null)
        {
            Console.Error.WriteLine(CommandLine.Usage);
            return 2;
        }

        try
        {
            return commandLine.Role switch
            {
                "migrate" => await MigrateRole.RunAsync(commandLine),
                "serve" => await BackendRole.RunAsync(commandLine),
                "worker" => await WorkerRole.RunAsync(commandLine),
                "frontend" => await FrontendRole.RunAsync(commandLine),
                "agent" => await AgentRole.RunAsync(commandLine),
                "github-api" => await GitHubApiRole.RunAsync(commandLine),
                "probe" => await ProbeRole.RunAsync(commandLine),
                _ => UnknownRole(commandLine.Role),
            };
        }
        catch (SandboxConfigurationException misconfigured)
        {
            Console.Error.WriteLine($"ERROR: {misconfigured.Message}");
            return 1;
        }
    }

    static int UnknownRole(string role)
    {
        Console.Error.WriteLine($"Unknown role '{role}'.");
        Console.Error.WriteLine(CommandLine.Usage);
        return 2;
    }
}
