using System.Text.Json.Serialization;

namespace Nexplane.Upgrade.Agents;

/// <summary>What moves the agent hosts (<c>--agent-engine</c>); a rollback of the upgrade uses the same one (the journal keeps it).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AgentEngine>))]
public enum AgentEngine
{
    /// <summary>The built-in rollout over SSH (or this machine's shell): tens of hosts.</summary>
    Ssh,
    /// <summary>ansible-playbook running a playbook the tool writes: the fleet engine operators already run (Agents/Ansible).</summary>
    Ansible,
}
