namespace Nexplane.Upgrade.Tests.Releases;

/// <summary>
/// Release bodies as Nexplane's changelog workflow writes them: a version heading, one bullet per commit from
/// <c>git log --oneline</c>, and sometimes the maintainers' own operator bullets and a release.yml block.
/// </summary>
static class ChangelogStyleNotes
{
    /// <summary>Only commit bullets: fixes, a performance change, a dependency bump and docs.</summary>
    public const string OnlyCommits = """
        ## v0.3.1 (2026-02-03)

        - 4e5f6a7 fix(assets): search no longer ignores tags with a colon
        - 8b9c0d1 perf(inventory): index owner-team lookups
        - 2c3d4e5 chore(deps): bump alembic from 1.13.1 to 1.13.2
        - 9f8e7d6 docs: explain how migrations run at startup
        """;

    /// <summary>A breaking fix, a migration commit and operator prose; <see cref="Crlf"/> is the same body edited on github.com.</summary>
    public const string WithOperatorProse = """
        ## v0.3.0 (2026-01-20)

        - 3f9a2c1 feat(agents): agent tunnels
        - 7d41b08 feat(assets): asset owners
        - a0c5e92 feat(migrations): backfill assets.owner from asset metadata
        - 51e7f3d fix(webhooks)!: sign outgoing webhooks
        - e2b8c47 chore: tidy startup logging

        - This needs a new required environment variable WEBHOOK_SECRET (at least 16 characters), otherwise the backend will not start.
        - This release's database migration rewrites the assets table; take a backup first.
        - `LEGACY_TOKEN_TTL` is no longer used; you may remove it from `.env`.
        - Agents do not need to be upgraded for this release.
        """;

    public static string Crlf => WithOperatorProse.Replace("\r\n", "\n").Replace("\n", "\r\n");

    /// <summary>feat!, an alembic commit, an agent upgrade in prose, and a release.yml block with the required stop.</summary>
    public const string WithReleaseYaml = """
        ## v0.4.0 (2026-03-02)

        - 0a1b2c3 feat(change-windows)!: change windows replace legacy flags
        - 4d5e6f7 feat(alembic): change_windows table filled from legacy_flags.maintenance_day
        - 8a9b0c1 refactor(db): drop assets.legacy_flags
        - c2d3e4f fix(api): /assets no longer returns 500 for assets without an owner
        - Agents must be upgraded to 0.4.0: older agents cannot report change-window compliance.
        - `CHANGE_WINDOW_TZ` is now optional; the default of CHANGE_WINDOW_TZ changed to UTC.

        ```yaml
        severity: critical
        min_compatible_version: 0.3.0
        changelog_url: https://github.com/youbetyourballs/nexplane/blob/v0.4.0/CHANGELOG.md
        notes: "Change windows replace legacy flags. Upgrade from 0.3.0 or later only."
        ```
        """;

    /// <summary>A conventional-commit BREAKING CHANGE footer kept under its commit, and imperative operator prose.</summary>
    public const string WithBreakingChangeFooter = """
        ## v0.5.0 (2026-04-14)

        - 6a7b8c9 feat(api): v2 asset API
          BREAKING CHANGE: the /api/v1/assets endpoints are removed; use /api/v2/assets.
        - 1d2e3f4 fix(ui): removed a duplicate column header in the asset table
        - Set `NEXPLANE_PUBLIC_URL` before upgrading: links in e-mails are built from it.
        - Upgrade your agents after the control plane is healthy; 0.4.x agents cannot use the v2 API.
        """;
}
