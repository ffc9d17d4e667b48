namespace Nexplane.Sandbox;

/// <summary>What is deliberately wrong with a release, so upgrade rehearsals meet each failure mode.</summary>
public enum ReleaseDefect
{
    None,
    /// <summary>A migration of the chain fails; the single transaction leaves the database untouched.</summary>
    MigrationFails,
    /// <summary>Migrations succeed, then the API crashes during startup, every time (crash loop under restart policies).</summary>
    ServeCrashesAtStartup,
    /// <summary>Everything works but every version endpoint reports <see cref="Release.ReportedVersion"/> instead.</summary>
    ReportsWrongVersion,
    /// <summary>The backend is fine; the frontend answers 500.</summary>
    FrontendBroken,
}

/// <summary>One Nexplane release as the sandbox imitates it.</summary>
public sealed record Release(
    string Version,
    IReadOnlyList<Migration> Chain,
    IReadOnlyList<RequiredSetting> RequiredSettings,
    ReleaseDefect Defect = ReleaseDefect.None,
    string? WrongVersion = null,
    IReadOnlyList<RequiredSetting>? StartupSettings = null,
    bool RealShapeOnly = false)
{
    /// <summary>
    /// Variables the API needs when it starts (checked by <c>serve</c> after the schema check), not at import time:
    /// a release missing one migrates fine, then refuses to start (a crash loop under <c>restart: unless-stopped</c>).
    /// </summary>
    public IReadOnlyList<RequiredSetting> StartupRequiredSettings => StartupSettings ?? [];

    /// <summary>The revision <c>alembic upgrade head</c> ends at.</summary>
    public string Head => Chain[^1].Revision;

    /// <summary>The version the release claims on its endpoints; differs from <see cref="Version"/> only for a broken build.</summary>
    public string ReportedVersion => WrongVersion ?? Version;

    public bool Knows(string revision) => Chain.Any(migration => migration.Revision == revision);
}

/// <summary>The release table baked into the binary.</summary>
public static class Releases
{
    static readonly IReadOnlyList<Migration> Chain020 = [Migrations.Initial, Migrations.AssetTags];
    static readonly IReadOnlyList<Migration> Chain030 = [.. Chain020, Migrations.AgentTunnels, Migrations.BackfillAssetOwner];

    public static readonly IReadOnlyList<Release> All =
    [
        new("0.2.0", Chain020, [RequiredSetting.SecretKey]),
        new("0.3.0", Chain030, [RequiredSetting.SecretKey, RequiredSetting.WebhookSecret]),
        new("0.3.1", [.. Chain030, Migrations.BadIndex], [RequiredSetting.SecretKey, RequiredSetting.WebhookSecret], ReleaseDefect.MigrationFails),
        new("0.3.2", Chain030, [RequiredSetting.SecretKey, RequiredSetting.WebhookSecret], ReleaseDefect.ServeCrashesAtStartup),
        new("0.3.3", Chain030, [RequiredSetting.SecretKey, RequiredSetting.WebhookSecret], ReleaseDefect.ReportsWrongVersion, WrongVersion: "0.3.0-rc1"),
        new("0.3.4", Chain030, [RequiredSetting.SecretKey, RequiredSetting.WebhookSecret], ReleaseDefect.FrontendBroken),
        new("0.4.0", [.. Chain030, Migrations.ChangeWindows, Migrations.DropLegacyFlags], [RequiredSetting.SecretKey, RequiredSetting.WebhookSecret]),
        // Published only by the real-shape GitHub catalog (GITHUB_API_NOTES_STYLE=changelog), so the default sandbox's
        // releases and upgrade paths stay as they are. Last in this list so the ids of the others do not move.
        new("0.3.5", Chain030, [RequiredSetting.SecretKey, RequiredSetting.WebhookSecret],
            StartupSettings: [RequiredSetting.EncryptionKey], RealShapeOnly: true),
    ];

    /// <summary>Accepts <c>0.3.0</c> and <c>v0.3.0</c>, as image tags come in both forms.</summary>
    public static Release? Find(string version)
    {
        var normalized = version.Trim();
        if (normalized.StartsWith('v') || normalized.StartsWith('V'))
            normalized = normalized[1..];
        return All.FirstOrDefault(release => release.Version == normalized);
    }
}
