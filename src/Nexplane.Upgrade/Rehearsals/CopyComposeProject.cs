using System.Text.Json;
using System.Text.Json.Nodes;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Processes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using Nexplane.Upgrade.Operator;

namespace Nexplane.Upgrade.Rehearsals;

/// <summary>
/// The copy's backend and its companions (what the real StartBackend starts), run by the deployment's own compose CLI
/// as a throwaway compose project, so the copy pays inside its downtime what the real upgrade pays: compose's start and
/// its recreation of each container. The project's file is written beside the rehearsal's state and names only
/// variables for the environment: the values (the deployment's secrets) reach compose through its process
/// environment, never its arguments or the disk. Its project name is the copy's own, so no tool that looks for the
/// deployment's project can find these containers; they carry the rehearsal's labels and go with the copy.
/// </summary>
public sealed class CopyComposeProject
{
    readonly IReadOnlyList<CopyContainer> _services;
    readonly string _networkName;
    readonly ComposeCli _compose;
    readonly ICommandRunner _commands;

    /// <param name="services">The backend and its companions, as <see cref="CopyPlan"/> laid them out.</param>
    /// <param name="directory">Where the project's file goes (the rehearsal removes it with the copy).</param>
    public CopyComposeProject(ComposeVariant variant, string networkName, string directory, IReadOnlyList<CopyContainer> services, ICommandRunner commands,
        OperatorAdvice advice)
    {
        _commands = commands;
        _services = services;
        _networkName = networkName;
        Services = services.Select(s => s.Service).ToArray();
        ProjectName = networkName;
        Directory.CreateDirectory(directory);
        File = Path.Combine(directory, "copy-compose.json");
        _compose = new ComposeCli(variant, File, ProjectName, null, new ProtectedServiceGuard([], advice));
    }

    public string ProjectName { get; }

    public string File { get; }

    public IReadOnlyList<string> Services { get; }

    /// <summary>The services as <see cref="CopyPlan"/> laid them out, with the rehearsed version's images.</summary>
    public IReadOnlyList<CopyContainer> Containers => _services;

    /// <summary>Services that run another image than the rehearsed version's: the backend at a stop on the way.</summary>
    readonly Dictionary<string, string> _otherImages = new(StringComparer.Ordinal);

    /// <summary>The next <c>up</c> runs <paramref name="service"/> on <paramref name="image"/>; null: on the rehearsed version's again.</summary>
    public void RunImage(string service, string? image)
    {
        if (image is null)
            _otherImages.Remove(service);
        else
            _otherImages[service] = image;
    }

    /// <summary>
    /// <c>up -d --no-deps</c> of every service from the running images (<paramref name="rehearsedVersion"/> false) or
    /// the rehearsed version's: the second call recreates the containers as the real StartBackend's <c>up</c> does.
    /// </summary>
    /// <param name="databaseContainerId">The copy's database container, whose namespace a host-network service shares.</param>
    /// <param name="services">Which of them (all when null).</param>
    public async Task UpAsync(bool rehearsedVersion, string databaseContainerId, Action<string> log, CancellationToken cancellationToken,
        IReadOnlyCollection<string>? services = null)
    {
        var (document, values) = Document(rehearsedVersion, databaseContainerId);
        await System.IO.File.WriteAllTextAsync(File, document, cancellationToken);
        var up = _compose.Up(services ?? Services) with { Environment = values };
        await _commands.RunCheckedAsync(up, log, log, cancellationToken);
    }

    /// <summary>
    /// The compose file, as JSON (valid YAML, and every string quoted, so no value is read as a boolean or number).
    /// Outside the environment, a <c>$</c> is doubled so compose does not interpolate it. The values are the variables
    /// the document refers to, for compose's environment.
    /// </summary>
    public (string Document, IReadOnlyDictionary<string, string?> Values) Document(bool rehearsedVersion, string databaseContainerId)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        var services = new JsonObject();
        foreach (var service in _services)
        {
            var definition = new JsonObject
            {
                ["image"] = rehearsedVersion ? _otherImages.GetValueOrDefault(service.Service) ?? service.Image : service.RunningImage ?? service.Image,
                ["environment"] = Environment(service, values),
                ["restart"] = service.RestartPolicy,
                ["labels"] = new JsonObject(service.Labels.Select(label => KeyValuePair.Create(label.Key, (JsonNode?)Literal(label.Value)))),
            };
            if (service.Command is { } command)
                definition["command"] = new JsonArray(command.Select(part => (JsonNode?)Literal(part)).ToArray());
            if (service.Entrypoint is { } entrypoint)
                definition["entrypoint"] = new JsonArray(entrypoint.Select(part => (JsonNode?)Literal(part)).ToArray());
            if (service.User is { } user)
                definition["user"] = Literal(user);
            if (service.WorkingDirectory is { } workingDirectory)
                definition["working_dir"] = Literal(workingDirectory);
            // The deployment's order among these services (worker after backend) and its conditions (a healthy backend,
            // judged by its own healthcheck): compose recreates them in that order and waits alike.
            if (service.DependsOn.Where(pair => Services.Contains(pair.Key)).ToArray() is { Length: > 0 } dependsOn)
                definition["depends_on"] = new JsonObject(dependsOn.Select(pair =>
                    KeyValuePair.Create(pair.Key, (JsonNode?)new JsonObject { ["condition"] = pair.Value })));
            if (service.Healthcheck is { } healthcheck)
                definition["healthcheck"] = Json(healthcheck);
            if (service.JoinsDatabaseNamespace)
                definition["network_mode"] = $"container:{databaseContainerId}";
            else
                definition["networks"] = new JsonObject { ["copy"] = new JsonObject { ["aliases"] = new JsonArray(service.Service) } };
            services[service.Service] = definition;
        }
        var document = new JsonObject { ["services"] = services };
        if (_services.Any(service => !service.JoinsDatabaseNamespace))
            document["networks"] = new JsonObject { ["copy"] = new JsonObject { ["external"] = true, ["name"] = _networkName } };
        return (document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), values);
    }

    /// <summary>Each variable as a reference to one of compose's own, whose value is handed over in its environment.</summary>
    static JsonObject Environment(CopyContainer service, Dictionary<string, string?> values)
    {
        var environment = new JsonObject();
        foreach (var pair in service.Environment)
        {
            var split = pair.IndexOf('=');
            var name = split < 0 ? pair : pair[..split];
            var variable = $"NEXPLANE_REHEARSAL_VALUE_{values.Count}";
            values[variable] = split < 0 ? "" : pair[(split + 1)..];
            environment[name] = $"${{{variable}}}";
        }
        return environment;
    }

    /// <summary>A part of compose config's output as JSON, as it was printed (its <c>$</c> already doubled); plain integers and booleans keep their type.</summary>
    static JsonNode? Json(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(pair => KeyValuePair.Create(((YamlScalarNode)pair.Key).Value!, Json(pair.Value)))),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(Json).ToArray()),
        YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: { } text } when long.TryParse(text, out var number) => JsonValue.Create(number),
        YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: "true" or "false" } scalar => JsonValue.Create(scalar.Value == "true"),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => null,
    };

    static string Literal(string value) => value.Replace("$", "$$", StringComparison.Ordinal);
}
