namespace Nexplane.Sandbox;

/// <summary>
/// Release bodies as maintainers write them on github.com: Markdown headings, bullets, no machine-readable markers,
/// plus the root <c>release.yml</c> block. Bodies edited in the browser come back with CRLF, so some are CRLF here.
/// </summary>
public static class GitHubReleaseNotes
{
    public sealed record Notes(string Title, string Body, string ReleaseYaml, bool EditedOnGitHub);

    public static Notes For(string version) => version switch
    {
        "0.2.0" => Compose("Nexplane 0.2.0", version, "recommended", "0.1.0",
            "Asset tags and a faster inventory.",
            """
            ## Highlights
            - Assets can carry tags; agents are now tagged `nexplane-agent` automatically.
            - Inventory page loads about 3x faster on large installations.

            ## Database migrations
            - `002_asset_tags`: adds `assets.tags` and backfills the agent and environment tags.

            ## Agents
            No agent upgrade required.
            """, editedOnGitHub: false),

        "0.3.0" => Compose("Nexplane 0.3.0 – agent tunnels", version, "recommended", "0.2.0",
            "Agent tunnels and asset owners. Set WEBHOOK_SECRET before upgrading.",
            """
            Agent tunnels let operators open a shell to a managed host through its agent, without inbound firewall rules.

            ## Breaking changes
            * The backend refuses to start unless `WEBHOOK_SECRET` is set (at least 16 characters). Outgoing webhooks are now signed.

            ## New environment variables
            | Variable | Required | Description |
            |---|---|---|
            | `WEBHOOK_SECRET` | yes | HMAC key used to sign outgoing webhooks |

            ## Database migrations
            * `003_agent_tunnels` – new table `agent_tunnels`, new column `assets.tunnel_enabled`
            * `004_backfill_asset_owner` – new column `assets.owner`, backfilled from asset metadata or the creating user

            Migrations run automatically when the backend starts. Take a backup first.

            ## Agents
            No agent upgrade required: 0.2.x agents keep working; tunnels need no new agent code.
            """, editedOnGitHub: true),

        "0.3.1" => Compose("Nexplane 0.3.1", version, "recommended", "0.2.0",
            "Faster owner lookups.",
            """
            ## Improvements
            - Index for owner-team lookups on the asset list.

            ## Migration
            - `005_bad_index` adds an index on asset owner teams.

            ## Agents
            No changes.
            """, editedOnGitHub: false),

        "0.3.2" => Compose("Nexplane 0.3.2", version, "security", "0.2.0",
            "Configurable webhook signing.",
            """
            ## Security
            - Webhook signing algorithm is configurable; HMAC-SHA256 remains the default.

            ## Database migrations
            None.

            ## Agents
            No agent upgrade required.
            """, editedOnGitHub: false),

        "0.3.3" => Compose("Nexplane 0.3.3", version, "recommended", "0.2.0",
            "Bug fixes.",
            """
            ## Fixes
            - Asset search no longer ignores tags with a colon.
            - Login page remembers the last e-mail address.

            No migrations. No agent changes.
            """, editedOnGitHub: false),

        "0.3.4" => Compose("Nexplane 0.3.4", version, "recommended", "0.2.0",
            "Frontend refresh.",
            """
            ## Frontend
            - New asset table with column chooser.
            - Dark mode.

            ## Backend
            No API or schema changes.
            """, editedOnGitHub: false),

        "0.4.0" => Compose("Nexplane 0.4.0 – change windows", version, "critical", "0.3.0",
            "Change windows replace legacy flags. Upgrade from 0.3.0 or later only.",
            """
            Change windows replace the old per-asset legacy flags: every maintenance day becomes a proper window.

            ## Breaking changes
            - **Upgrade from 0.3.0 or later.** Installations on 0.2.x must upgrade to 0.3.0 first.
            - `assets.legacy_flags` is removed; the API no longer returns it. Use `criticality`, tags and `/change-windows`.

            ## Database migrations
            - `005_change_windows`: new table `change_windows`, filled from `legacy_flags.maintenance_day`
            - `006_drop_legacy_flags`: new column `assets.criticality`; `no_auto_patch` becomes the tag `no-auto-patch`; drops `legacy_flags`

            ## Environment
            - `WEBHOOK_SECRET` (since 0.3.0) is still required.

            ## Agents
            **Agent upgrade required.** Agents older than 0.4.0 cannot report change-window compliance. Download the new
            agent binaries below and replace them on every host (Linux agents self-update on restart).
            """, editedOnGitHub: true),

        _ => throw new ArgumentOutOfRangeException(nameof(version), version, "no release notes for this version"),
    };

    static Notes Compose(string title, string version, string severity, string minCompatibleVersion, string summary, string markdown, bool editedOnGitHub)
    {
        var releaseYaml = $"""
            version: {version}
            severity: {severity}
            min_compatible_version: {minCompatibleVersion}
            changelog_url: https://github.com/youbetyourballs/nexplane/blob/v{version}/CHANGELOG.md
            notes: "{summary}"

            """;
        var body = $"""
            {markdown.TrimEnd()}

            ## release.yml
            ```yaml
            {releaseYaml.TrimEnd()}
            ```

            **Full Changelog**: https://github.com/youbetyourballs/nexplane/blob/v{version}/CHANGELOG.md
            """;
        body = body.Replace("\r\n", "\n");
        return new Notes(title, editedOnGitHub ? body.Replace("\n", "\r\n") : body, releaseYaml, editedOnGitHub);
    }
}
