using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nexplane.Upgrade.Runbook;

/// <summary>How an upgrade ended, as its journal records it; an unfinished upgrade has none.</summary>
[JsonConverter(typeof(UpgradeOutcomeJsonConverter))]
public enum UpgradeOutcome
{
    /// <summary>The control plane is healthy on the new version (Verify passed).</summary>
    Succeeded,
    /// <summary>The control plane is healthy on the previous version again (Rollback passed).</summary>
    RolledBack,
    /// <summary>The upgrade ended before Stop: the deployment was never changed.</summary>
    NothingChanged,
    /// <summary>
    /// The deployment was reinstalled after this upgrade was interrupted (another database cluster or compose project):
    /// the journal describes an earlier installation and was set aside by the next upgrade. Never resumed or rolled back.
    /// </summary>
    Superseded,
}

public static class UpgradeOutcomeText
{
    // The journal's JSON and the Status line use these words; journals written by earlier versions hold them too.
    static readonly IReadOnlyDictionary<UpgradeOutcome, string> Words = new Dictionary<UpgradeOutcome, string>
    {
        [UpgradeOutcome.Succeeded] = "succeeded",
        [UpgradeOutcome.RolledBack] = "rolled-back",
        [UpgradeOutcome.NothingChanged] = "nothing-changed",
        [UpgradeOutcome.Superseded] = "superseded",
    };

    public static string ToText(this UpgradeOutcome outcome) => Words[outcome];

    public static UpgradeOutcome Parse(string text) =>
        Words.FirstOrDefault(pair => pair.Value == text) is { Value: not null } match
            ? match.Key
            : throw new JsonException($"'{text}' is not an upgrade outcome (expected {string.Join(", ", Words.Values)}).");
}

public sealed class UpgradeOutcomeJsonConverter : JsonConverter<UpgradeOutcome>
{
    public override UpgradeOutcome Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        UpgradeOutcomeText.Parse(reader.GetString() ?? "");

    public override void Write(Utf8JsonWriter writer, UpgradeOutcome value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToText());
}
