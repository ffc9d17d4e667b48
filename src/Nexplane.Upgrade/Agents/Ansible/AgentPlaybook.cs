using System.Globalization;
using System.Text.Json;

namespace Nexplane.Upgrade.Agents.Ansible;

/// <summary>What a generated playbook needs to know beyond its inventory: none of it is a secret.</summary>
/// <param name="ApiUrl">The control plane's API; each host's registration is read there (from the tool's machine, <c>delegate_to: localhost</c>).</param>
/// <param name="Version">The version the hosts move to (the upgrade), or away from (the rollback).</param>
/// <param name="WaveSize">Hosts per batch after the canary (<c>serial: [1, N]</c>).</param>
/// <param name="RegistrationTimeout">How long a restarted agent has to register (polled once a second).</param>
/// <param name="Hosts">The group the play targets, in rollout order: <see cref="AgentPlaybook.Group"/> of the tool's own inventory, or
/// <see cref="AgentPlaybook.RolloutGroup"/> of the vars inventory laid over the operator's.</param>
/// <param name="Rerun">How to run the playbook again by hand, said in its header: the inventories differ with the host source.</param>
public sealed record AgentPlaybookSettings(Uri ApiUrl, string Version, int WaveSize, TimeSpan RegistrationTimeout, string Hosts = AgentPlaybook.Group,
    string? Rerun = null);

/// <summary>
/// The playbooks the Ansible engine writes and runs, the same procedure as <see cref="AgentHostUpgrader"/> in Ansible's
/// terms: the canary alone, then batches (<c>serial</c>), and the first failed host ends the rollout
/// (<c>max_fail_percentage: 0</c>). Per host: the verified binary copied to <c>&lt;binary&gt;.new</c> and its sha256
/// checked on the host before anything changes, stop, the old binary kept as <c>.old</c>, the new one renamed into place,
/// start, and the control plane's API asked until the agent registers on the new version; a host that does not is
/// rolled back within its own batch (<c>rescue</c>). Every host ends with a task whose message is its outcome as JSON,
/// which the <c>tree</c> callback (ansible-core's own machine-readable output: the last result of each host, one file per
/// host) leaves for <see cref="AnsibleHostResults"/>; hosts of batches that never started have no file.
/// The API token is read from the environment (<c>NEXPLANE_API_TOKEN</c>) by the tasks that use it, all <c>no_log</c>:
/// it is never in the playbook, the inventory, the command line or Ansible's output.
/// </summary>
public static class AgentPlaybook
{
    /// <summary>The group the generated inventory puts the hosts in, in rollout order (the canary first).</summary>
    public const string Group = "nexplane_agents";

    /// <summary>
    /// The group the vars inventory gives the operator's hosts, in rollout order (the canary first): <c>order: inventory</c>
    /// on the operator's own group would follow their listing, wherever their canary stands in it.
    /// </summary>
    public const string RolloutGroup = "nexplane_upgrade_rollout";

    static string RerunLine(AgentPlaybookSettings settings, string playbook) =>
        settings.Rerun ?? $"ANSIBLE_CONFIG=ansible.cfg {TokenVariable}=<a login token of the control plane> ansible-playbook -i inventory.yml {playbook}";

    /// <summary>The environment variable the tasks read the control plane's login token from.</summary>
    public const string TokenVariable = "NEXPLANE_API_TOKEN";

    /// <summary>The name of the task whose message is each host's outcome (the tree callback's last result).</summary>
    public const string OutcomeTask = "nexplane outcome";

    static string Json(string text) => JsonSerializer.Serialize(text);

    static string Seconds(TimeSpan time) => Math.Max(1, (int)Math.Ceiling(time.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// GETs the agent list from the tool's machine with the token from the environment, as a task at
    /// <paramref name="indent"/> spaces registering <paramref name="register"/>; <paramref name="extra"/> are more task keywords.
    /// </summary>
    static string ReadRegistration(string name, string register, int indent, params string[] extra)
    {
        var lines = new List<string>
        {
            $"- name: {name}",
            "  ansible.builtin.uri:",
            "    url: \"{{ nexplane_api_url }}/assets?tag=nexplane-agent\"",
            "    headers:",
            $"      Authorization: \"Bearer {{{{ lookup('ansible.builtin.env', '{TokenVariable}') }}}}\"",
            "    timeout: 10",
            "  delegate_to: localhost",
            "  become: false",
            "  no_log: true",
            $"  register: {register}",
        };
        lines.AddRange(extra.Select(line => "  " + line));
        return string.Join("\n", lines.Select(line => new string(' ', indent) + line)) + "\n";
    }

    /// <summary>The host's own record in a registered agent list (an empty mapping when it has none).</summary>
    static string RecordOf(string register) =>
        $"((({register}.json | default([])) | selectattr('asset_metadata', 'defined') | selectattr('asset_metadata.hostname', 'equalto', agent_name) | map(attribute='asset_metadata') | list) + [{{}}]) | first";

    /// <summary>
    /// The upgrade playbook (<c>upgrade-agents.yml</c>). Each task costs Ansible a process (and, on a host, an SSH round
    /// trip): what can be a lazily templated play variable is one, rather than a <c>set_fact</c> task.
    /// </summary>
    public static string Upgrade(AgentPlaybookSettings settings)
    {
        var timeout = Seconds(settings.RegistrationTimeout);
        var registeredOnTarget = $"((({RecordOf("nexplane_registered")}).agent_version | default('') | regex_replace('^v', '')) == nexplane_target_version)";
        return $$$"""
        # Written by nexplane-upgrade: the Nexplane agents to {{{settings.Version}}}, the canary alone, then batches of {{{settings.WaveSize}}}; the first
        # host that does not end on {{{settings.Version}}} is rolled back and no later batch starts. Re-run it with the files beside it:
        #   {{{RerunLine(settings, "upgrade-agents.yml")}}}
        - name: Upgrade the Nexplane agents to {{{settings.Version}}}
          hosts: {{{settings.Hosts}}}
          gather_facts: false
          order: inventory
          serial: [1, {{{settings.WaveSize}}}]
          max_fail_percentage: 0
          vars:
            nexplane_api_url: {{{Json(settings.ApiUrl.ToString().TrimEnd('/'))}}}
            nexplane_target_version: {{{Json(settings.Version)}}}
            agent_name: "{{ nexplane_agent_name | default(inventory_hostname) }}"
            binary_path: "{{ nexplane_agent_binary_path | default('/usr/local/bin/nexplane-agent') }}"
            service: "{{ nexplane_agent_service | default('nexplane-agent.service') }}"
            # The host changes from the stop on: a failure before it leaves the old agent running untouched.
            nexplane_changed: "{{ nexplane_stop is defined and nexplane_stop is not skipped }}"
            nexplane_done:
              result: "{{ 'AlreadyCurrent' if (nexplane_current | bool) else 'Upgraded' }}"
              from: "{{ nexplane_from }}"
              to: "{{ nexplane_target_version }}"
              detail: "{{ ('already registered on ' ~ nexplane_target_version) if (nexplane_current | bool) else ('registered on ' ~ nexplane_target_version ~ '; old binary kept as ' ~ binary_path ~ '.old') }}"
          tasks:
        {{{ReadRegistration("What the control plane registered before", "nexplane_before", 4)}}}
            - name: Already on the new version?
              ansible.builtin.set_fact:
                nexplane_started: "{{ now().timestamp() }}"
                nexplane_from: "{{ ({{{RecordOf("nexplane_before")}}}).agent_version | default(None) }}"
                nexplane_current: "{{ (({{{RecordOf("nexplane_before")}}}).agent_version | default('') | regex_replace('^v', '')) == nexplane_target_version }}"

            - name: Upgrade the agent, rolled back on this host if it does not register
              when: not (nexplane_current | bool)
              block:
                - name: The host runs the platform the inventory says
                  ansible.builtin.command: uname -m
                  register: nexplane_uname
                  changed_when: false
                  failed_when: nexplane_uname.rc != 0 or (nexplane_uname.stdout | trim) not in nexplane_agent_machines

                - name: Copy the verified binary beside the old one
                  ansible.builtin.copy:
                    src: "{{ nexplane_agent_binary }}"
                    dest: "{{ binary_path }}.new"
                    mode: "0755"

                - name: Hash the copy on the host
                  ansible.builtin.stat:
                    path: "{{ binary_path }}.new"
                    checksum_algorithm: sha256
                  register: nexplane_new
                  failed_when: nexplane_new.stat.checksum | default('') != nexplane_agent_sha256

                - name: Stop the agent service
                  ansible.builtin.command:
                    argv: [systemctl, stop, "{{ service }}"]
                  register: nexplane_stop

        {{{ReadRegistration("What the control plane holds while the agent is stopped", "nexplane_stopped", 8)}}}
                - name: Keep the old binary as .old and rename the new one into place
                  ansible.builtin.shell: >-
                    { cmp -s {{ binary_path | quote }} {{ (binary_path ~ '.new') | quote }} || cp -p {{ binary_path | quote }} {{ (binary_path ~ '.old') | quote }}; }
                    && mv -f {{ (binary_path ~ '.new') | quote }} {{ binary_path | quote }}

                - name: Start the agent service
                  ansible.builtin.command:
                    argv: [systemctl, start, "{{ service }}"]

                - name: The agent has {{{timeout}}} s to register
                  ansible.builtin.set_fact:
                    nexplane_waiting_since: "{{ now().timestamp() }}"

        {{{ReadRegistration("Wait for the agent to register on the new version", "nexplane_registered", 8,
            "until: >-",
            $"  {registeredOnTarget}",
            $"  or (now().timestamp() - (nexplane_waiting_since | float)) > {timeout}",
            $"failed_when: not {registeredOnTarget}",
            $"retries: {int.Parse(timeout, CultureInfo.InvariantCulture) * 4 + 10}",
            "delay: 1")}}}
              rescue:
                - name: Why the upgrade failed
                  ansible.builtin.set_fact:
                    nexplane_why: >-
                      {{ 'the agent did not register on ' ~ nexplane_target_version ~ ' within {{{timeout}}} s'
                         if ansible_failed_task.name == 'Wait for the agent to register on the new version'
                         else ('the copy' ~ "'" ~ 's sha256 on the host is ' ~ (nexplane_new.stat.checksum | default('unknown')) ~ ', not ' ~ nexplane_agent_sha256 ~ ': it was removed'
                               if ansible_failed_task.name == 'Hash the copy on the host'
                               else (ansible_failed_task.name ~ ' failed' ~ ('' if (ansible_failed_task.no_log | default(false)) else ': ' ~ (ansible_failed_result.msg | default('') | string | trim)))) }}

                - name: Its last log lines
                  ansible.builtin.command:
                    argv: [journalctl, -u, "{{ service }}", -n, "20", --no-pager]
                  register: nexplane_journal
                  changed_when: false
                  failed_when: false
                  when: nexplane_changed | bool

                - name: Remove the copy from a host that was not changed
                  ansible.builtin.file:
                    path: "{{ binary_path }}.new"
                    state: absent
                  failed_when: false
                  when: not (nexplane_changed | bool)

                - name: Roll back - stop the new agent
                  ansible.builtin.command:
                    argv: [systemctl, stop, "{{ service }}"]
                  register: nexplane_rollback_stop
                  failed_when: false
                  when: nexplane_changed | bool

        {{{ReadRegistration("Roll back - what the control plane holds while nothing runs", "nexplane_rollback_stopped", 8,
            "failed_when: false",
            "when: nexplane_changed | bool")}}}
                - name: Roll back - put the old binary back
                  ansible.builtin.shell: >-
                    cp -p {{ (binary_path ~ '.old') | quote }} {{ (binary_path ~ '.rollback') | quote }}
                    && mv -f {{ (binary_path ~ '.rollback') | quote }} {{ binary_path | quote }}
                  register: nexplane_rollback_restore
                  failed_when: false
                  when: (nexplane_changed | bool) and (nexplane_rollback_stop.rc | default(1)) == 0

                - name: Roll back - start the old agent
                  ansible.builtin.command:
                    argv: [systemctl, start, "{{ service }}"]
                  register: nexplane_rollback_start
                  failed_when: false
                  when: (nexplane_changed | bool) and (nexplane_rollback_restore.rc | default(1)) == 0

        {{{ReadRegistration("Roll back - wait for the old agent to register again", "nexplane_rollback_registered", 8,
            "until: >-",
            $"  (({RecordOf("nexplane_rollback_registered")}).agent_version | default('') | regex_replace('^v', '')) == (nexplane_from | default('', true) | regex_replace('^v', ''))",
            $"  and (({RecordOf("nexplane_rollback_registered")}).last_seen | default('')) != (({RecordOf("nexplane_rollback_stopped")}).last_seen | default(''))",
            $"retries: {timeout}",
            "delay: 1",
            "ignore_errors: true",
            "when: (nexplane_changed | bool) and (nexplane_rollback_start.rc | default(1)) == 0")}}}
                - name: How the host ended
                  ansible.builtin.set_fact:
                    nexplane_outcome:
                      result: >-
                        {{ 'NotChanged' if not (nexplane_changed | bool)
                           else ('RolledBack' if (nexplane_rollback_registered.attempts is defined and not (nexplane_rollback_registered.failed | default(false)))
                           else 'NeedsHuman') }}
                      from: "{{ nexplane_from }}"
                      to: "{{ nexplane_target_version }}"
                      detail: >-
                        {{ nexplane_why }}{{ '' if not (nexplane_changed | bool) else
                           ('; rolled back: the old agent registered again' if (nexplane_rollback_registered.attempts is defined and not (nexplane_rollback_registered.failed | default(false)))
                            else '; the rollback did not bring the old agent back: on the host put ' ~ binary_path ~ '.old in place of ' ~ binary_path ~ ' and start ' ~ service) }}
                      log: "{{ (nexplane_journal.stdout_lines | default([]))[-10:] }}"

            - name: {{{OutcomeTask}}}
              ansible.builtin.debug:
                msg: "{{ (nexplane_outcome | default(nexplane_done)) | combine({'seconds': ((now().timestamp() - (nexplane_started | float)) | round(2))}) | to_json }}"

            - name: Stop the rollout at a host not on the new version
              ansible.builtin.fail:
                msg: "{{ (nexplane_outcome | default(nexplane_done)) | combine({'seconds': ((now().timestamp() - (nexplane_started | float)) | round(2))}) | to_json }}"
              when: (nexplane_outcome | default(nexplane_done)).result not in ['Upgraded', 'AlreadyCurrent']

        """;
    }

    /// <summary>
    /// The rollback playbook (<c>rollback-agents.yml</c>): one host at a time, each host's kept <c>.old</c> binary put back
    /// and the old agent waited for (its registration newer than the record read while nothing ran). A host that fails
    /// does not stop the others: each still runs the new binary otherwise.
    /// </summary>
    public static string Rollback(AgentPlaybookSettings settings)
    {
        var retries = Seconds(settings.RegistrationTimeout);
        return $$$"""
        # Written by nexplane-upgrade: the Nexplane agents an upgrade moved to {{{settings.Version}}} get their kept .old binary back, one host at a time.
        # Re-run it with the files beside it:
        #   {{{RerunLine(settings, "rollback-agents.yml")}}}
        - name: Put the Nexplane agents back on their previous version
          hosts: {{{settings.Hosts}}}
          gather_facts: false
          order: inventory
          serial: 1
          vars:
            nexplane_api_url: {{{Json(settings.ApiUrl.ToString().TrimEnd('/'))}}}
            nexplane_new_version: {{{Json(settings.Version)}}}
          tasks:
            - name: The host's agent, binary and service
              ansible.builtin.set_fact:
                agent_name: "{{ nexplane_agent_name | default(inventory_hostname) }}"
                binary_path: "{{ nexplane_agent_binary_path | default('/usr/local/bin/nexplane-agent') }}"
                service: "{{ nexplane_agent_service | default('nexplane-agent.service') }}"
                nexplane_started: "{{ now().timestamp() }}"
                nexplane_old: "{{ nexplane_agent_old_version | default('', true) | regex_replace('^v', '') }}"

            - name: Put the old binary back
              block:
                - name: Stop the agent service
                  ansible.builtin.command:
                    argv: [systemctl, stop, "{{ service }}"]

        {{{ReadRegistration("What the control plane holds while nothing runs", "nexplane_stopped", 8)}}}
                - name: Put the kept .old binary back in place
                  ansible.builtin.shell: >-
                    cp -p {{ (binary_path ~ '.old') | quote }} {{ (binary_path ~ '.rollback') | quote }}
                    && mv -f {{ (binary_path ~ '.rollback') | quote }} {{ binary_path | quote }}

                - name: Start the agent service
                  ansible.builtin.command:
                    argv: [systemctl, start, "{{ service }}"]

        {{{ReadRegistration("Wait for the old agent to register again", "nexplane_registered", 8,
            "until: >-",
            $"  (nexplane_old == '' or (({RecordOf("nexplane_registered")}).agent_version | default('') | regex_replace('^v', '')) == nexplane_old)",
            $"  and (({RecordOf("nexplane_registered")}).last_seen | default('')) != (({RecordOf("nexplane_stopped")}).last_seen | default(''))",
            $"retries: {retries}",
            "delay: 1")}}}
                - name: Registered on the old version again
                  ansible.builtin.set_fact:
                    nexplane_outcome: { result: RolledBack, from: "{{ nexplane_new_version }}", to: "{{ nexplane_old }}", detail: "the upgrade is rolled back; rolled back: the old agent {{ nexplane_old }} registered again" }
              rescue:
                - name: The host needs a human
                  ansible.builtin.set_fact:
                    nexplane_outcome:
                      result: NeedsHuman
                      from: "{{ nexplane_new_version }}"
                      to: "{{ nexplane_old }}"
                      detail: >-
                        the upgrade is rolled back; {{ ansible_failed_task.name }} failed{{ '' if (ansible_failed_task.no_log | default(false)) else ': ' ~ (ansible_failed_result.msg | default('') | string | trim) }}.
                        On the host put {{ binary_path }}.old in place of {{ binary_path }} and start {{ service }}

            - name: {{{OutcomeTask}}}
              ansible.builtin.debug:
                msg: "{{ nexplane_outcome | combine({'seconds': ((now().timestamp() - (nexplane_started | float)) | round(2))}) | to_json }}"

        """;
    }

    /// <summary>
    /// <c>ansible.cfg</c> beside the playbooks: ansible-core's own <c>tree</c> callback on (per-host results as JSON files),
    /// host keys checked against the run's known_hosts only, SSH pipelining, and files sent through <c>dd</c>
    /// (<c>piped</c>: a host without an SFTP server, as many minimal hosts are, still takes them).
    /// </summary>
    public static string Config(int forks) => $"""
        # Written by nexplane-upgrade for the playbooks beside it.
        [defaults]
        callbacks_enabled = tree
        host_key_checking = True
        retry_files_enabled = False
        nocolor = True
        display_skipped_hosts = False
        interpreter_python = auto_silent
        forks = {forks}

        [ssh_connection]
        pipelining = True
        transfer_method = piped

        """;
}
