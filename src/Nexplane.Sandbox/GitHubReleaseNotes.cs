using System.Security.Cryptography;
using System.Text;

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

    /// <summary>
    /// Real Nexplane's style (<c>GITHUB_API_NOTES_STYLE=changelog</c>, the real-shape sandbox): what its changelog
    /// workflow writes, <c>## vX.Y.Z (YYYY-MM-DD)</c> then one <c>- &lt;short sha&gt; &lt;subject&gt;</c> bullet per commit
    /// (conventional commits, <c>!</c> for breaking), then a few hand-written operator bullets in plain prose. No section
    /// headings and no markers: what the heading style says under "Breaking changes", "New environment variables" or
    /// "Agents" is only in those sentences. 0.4.0 carries a release.yml-like block; 0.3.0's body was edited on
    /// github.com (CRLF). These releases publish no release.yml asset.
    /// </summary>
    public static Notes ChangelogFor(string version, DateTimeOffset published) => version switch
    {
        "0.2.0" => Changelog(version, published, [
                "feat(assets): asset tags; agents are tagged nexplane-agent",
                "perf(inventory): load the asset list in one query",
                "feat(db): add asset tags migration",
                "chore(deps): bump fastapi from 0.110.0 to 0.111.0",
            ], [
                "Agents do not need to be upgraded for this release.",
            ]),

        "0.3.0" => Changelog(version, published, [
                "feat(agents): agent tunnels to managed hosts",
                "feat(webhooks)!: sign outgoing webhooks with WEBHOOK_SECRET",
                "feat(assets): every asset has an owner, backfilled from metadata",
                "fix(auth): refresh tokens no longer outlive the session",
                "docs: document tunnel firewall requirements",
            ], [
                "The backend now refuses to start unless WEBHOOK_SECRET is set (at least 16 characters); add it to your .env before upgrading.",
                "Migrations run automatically when the backend starts. Take a backup first.",
                "Agents do not need to be upgraded for this release: 0.2.x agents keep working.",
            ], editedOnGitHub: true),

        "0.3.1" => Changelog(version, published, [
                "perf(assets): index for owner-team lookups",
                "feat(db): add owner team index",
            ], [
                "Agents do not need to be upgraded for this release.",
            ]),

        "0.3.2" => Changelog(version, published, [
                "fix(webhooks): make the signing algorithm configurable (HMAC-SHA256 stays the default)",
                "chore(deps): bump starlette to 0.37.2 (security)",
            ], [
                "Security release; no schema changes.",
                "Agents do not need to be upgraded for this release.",
            ]),

        "0.3.3" => Changelog(version, published, [
                "fix(search): tags containing a colon are no longer ignored",
                "fix(login): remember the last e-mail address",
            ], [
                "Agents do not need to be upgraded for this release.",
            ]),

        "0.3.4" => Changelog(version, published, [
                "feat(ui): asset table with a column chooser",
                "feat(ui): dark mode",
                "chore(ui): bump vite to 5.4.10",
            ], [
                "Frontend only; the backend and the database are unchanged.",
            ]),

        "0.3.5" => Changelog(version, published, [
                "feat(vault): encrypt stored credentials at rest",
                "fix(agents): retry registration after a control-plane restart",
                "chore(deps): bump cryptography to 43.0.1",
            ], [
                "This release needs a new required environment variable NEXPLANE_ENCRYPTION_KEY (at least 32 characters, e.g. the output of `openssl rand -hex 32`). Add it to the backend's environment (.env) before upgrading; otherwise the backend will not start.",
                "No schema changes.",
                "Agents do not need to be upgraded for this release.",
            ]),

        "0.4.0" => Changelog(version, published, [
                "feat(change-windows)!: change windows replace per-asset legacy flags",
                "feat(db)!: drop assets.legacy_flags; criticality and the no-auto-patch tag replace it",
                "feat(agents): report change-window compliance",
                "fix(api): /assets pagination keeps the sort order",
            ], [
                "Upgrade from 0.3.0 or later only: installations on 0.2.x must upgrade to 0.3.0 first.",
                "All agents must be upgraded to 0.4.0 as well: older agents cannot report change-window compliance (Linux agents self-update when restarted).",
                "The API no longer returns legacy_flags; use criticality, tags and /change-windows.",
            ], releaseYaml: ("critical", "0.3.0", "Change windows replace legacy flags. Upgrade from 0.3.0 or later only.")),

        _ => throw new ArgumentOutOfRangeException(nameof(version), version, "no release notes for this version"),
    };

    static Notes Changelog(string version, DateTimeOffset published, string[] commits, string[] operatorNotes, bool editedOnGitHub = false,
        (string Severity, string MinCompatibleVersion, string Summary)? releaseYaml = null)
    {
        var body = new StringBuilder($"## v{version} ({published:yyyy-MM-dd})\n\n");
        foreach (var subject in commits)
            body.Append($"- {ShortSha(version, subject)} {subject}\n");
        body.Append('\n');
        foreach (var note in operatorNotes)
            body.Append($"- {note}\n");
        var yaml = "";
        if (releaseYaml is { } values)
        {
            yaml = $"""
                severity: {values.Severity}
                min_compatible_version: {values.MinCompatibleVersion}
                changelog_url: https://github.com/youbetyourballs/nexplane/blob/v{version}/CHANGELOG.md
                notes: "{values.Summary}"

                """;
            body.Append($"\n```yaml\n{yaml}```\n");
        }
        var text = body.ToString();
        return new Notes($"v{version}", editedOnGitHub ? text.Replace("\n", "\r\n") : text, yaml, editedOnGitHub);
    }

    /// <summary>Seven hex digits, stable per release and subject, like <c>git log --oneline</c>.</summary>
    static string ShortSha(string version, string subject) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{version} {subject}")))[..7];
}
