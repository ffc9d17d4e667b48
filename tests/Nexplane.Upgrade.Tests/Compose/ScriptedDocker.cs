using System.Reflection;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Nexplane.Upgrade.Tests.Compose;

/// <summary>
/// A Docker engine that answers container inspections from a script, one answer per call (the last one repeats), and
/// refuses every other call: enough for code that only watches a container.
/// </summary>
class ScriptedDocker : DispatchProxy
{
    Func<string, ContainerInspectResponse> _inspect = _ => throw new InvalidOperationException("no inspection scripted");
    object? _containers;

    public List<string> Inspected { get; } = [];

    public static (IDockerClient Docker, ScriptedDocker Script) Inspecting(params ContainerInspectResponse[] answers)
    {
        var docker = Create<IDockerClient, ScriptedDocker>();
        var script = (ScriptedDocker)(object)docker;
        var containers = Create<IContainerOperations, ScriptedDocker>();
        var next = 0;
        script._inspect = id => answers[Math.Min(next++, answers.Length - 1)];
        ((ScriptedDocker)(object)containers)._inspect = id =>
        {
            script.Inspected.Add(id);
            return script._inspect(id);
        };
        script._containers = containers;
        return (docker, script);
    }

    public static ContainerInspectResponse Container(bool running, long restarts, long exitCode = 0) =>
        new() { RestartCount = restarts, State = new ContainerState { Running = running, Status = running ? "running" : "exited", ExitCode = exitCode } };

    protected override object? Invoke(MethodInfo? method, object?[]? args) => method?.Name switch
    {
        "get_Containers" => _containers,
        nameof(IContainerOperations.InspectContainerAsync) => Task.FromResult(_inspect((string)args![0]!)),
        _ => throw new NotSupportedException($"ScriptedDocker does not answer {method?.Name}"),
    };
}
