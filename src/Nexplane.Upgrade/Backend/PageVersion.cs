using System.Net;
using System.Text.RegularExpressions;
using Nexplane.Upgrade.Releases;

namespace Nexplane.Upgrade.Backend;

/// <summary>
/// A version a frontend states, and where. A <see cref="Strong"/> statement names the product or the page's own
/// version (<c>&lt;meta name="version"&gt;</c>, <c>Nexplane 0.3.0</c>, <c>APP_VERSION = "0.3.0"</c>); a weak one is a
/// bare <c>v0.3.0</c> in the page's text, which could as well be a changelog line, so it only counts when nothing
/// stronger is found.
/// </summary>
public sealed record StatedVersion(NexplaneVersion Version, string Where, bool Strong)
{
    public override string ToString() => $"{Version} ({Where})";
}

/// <summary>
/// Finds the version a single-page app states in its index page or its script bundle. Nexplane's frontend has no
/// version endpoint, so this is all there is; it reads only Nexplane-specific spellings, because a bundle is full of
/// its libraries' versions (Vue's <c>version:"3.4.21"</c>) that must never be taken for the product's.
/// </summary>
public static partial class PageVersion
{
    const string Version = @"(?<![\w.])v?(?<version>\d+\.\d+\.\d+(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?)(?!\.?\d)";

    [GeneratedRegex(@"<meta\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex MetaTag();

    [GeneratedRegex(@"(?<name>[\w:-]+)\s*=\s*(?:""(?<value>[^""]*)""|'(?<value>[^']*)'|(?<value>[^\s>]+))")]
    private static partial Regex Attribute();

    [GeneratedRegex(@"<script\b(?<attributes>[^>]*)>(?<body>.*?)</script\s*>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex ScriptElement();

    [GeneratedRegex(@"<style\b[^>]*>.*?</style\s*>|<!--.*?-->", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex StyleOrComment();

    [GeneratedRegex(@"<[^>]*>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"\bNexplane\s+(?:version\s+)?" + Version, RegexOptions.IgnoreCase)]
    private static partial Regex ProductAndVersion();

    [GeneratedRegex(@"\b(?:NEXPLANE_VERSION|VITE_APP_VERSION|APP_VERSION|appVersion|nexplaneVersion)[""']?\s*[:=]\s*[""'`]" + Version + @"[""'`]")]
    private static partial Regex VersionAssignment();

    [GeneratedRegex(@"(?<![\w.])v(?<version>\d+\.\d+\.\d+(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?)(?!\.?\d)")]
    private static partial Regex BareVPrefixed();

    static readonly HashSet<string> VersionMetaNames = new(StringComparer.OrdinalIgnoreCase)
        { "version", "app-version", "application-version", "nexplane-version" };

    /// <summary>The versions an HTML page states: meta tags, its text, and its inline scripts.</summary>
    public static IReadOnlyList<StatedVersion> InHtml(string html, string where)
    {
        var found = new List<StatedVersion>();
        foreach (Match meta in MetaTag().Matches(html))
        {
            var attributes = Attribute().Matches(meta.Value)
                .GroupBy(a => a.Groups["name"].Value.ToLowerInvariant())
                .ToDictionary(g => g.Key, g => WebUtility.HtmlDecode(g.First().Groups["value"].Value));
            if (attributes.TryGetValue("name", out var name) && VersionMetaNames.Contains(name)
                && attributes.TryGetValue("content", out var content) && NexplaneVersion.TryParse(content, out var version))
                found.Add(new StatedVersion(version, $"<meta name=\"{name}\"> of {where}", Strong: true));
        }

        foreach (Match script in ScriptElement().Matches(html))
            found.AddRange(InScript(script.Groups["body"].Value, $"an inline script of {where}"));

        var text = WebUtility.HtmlDecode(Whitespace().Replace(Tag().Replace(StyleOrComment().Replace(ScriptElement().Replace(html, " "), " "), " "), " "));
        found.AddRange(Versions(ProductAndVersion(), text, $"the text of {where}", strong: true));
        found.AddRange(Versions(BareVPrefixed(), text, $"the text of {where}", strong: false));
        return found;
    }

    /// <summary>The versions a script states under a Nexplane-specific spelling.</summary>
    public static IReadOnlyList<StatedVersion> InScript(string script, string where) =>
        [.. Versions(ProductAndVersion(), script, where, strong: true), .. Versions(VersionAssignment(), script, where, strong: true)];

    /// <summary>The first <paramref name="limit"/> external scripts of the page served from the page's own origin.</summary>
    public static IReadOnlyList<Uri> SameOriginScripts(string html, Uri page, int limit)
    {
        var scripts = new List<Uri>();
        foreach (Match script in ScriptElement().Matches(html))
        {
            var source = Attribute().Matches(script.Groups["attributes"].Value)
                .FirstOrDefault(a => a.Groups["name"].Value.Equals("src", StringComparison.OrdinalIgnoreCase))?.Groups["value"].Value;
            if (source is null || !Uri.TryCreate(page, WebUtility.HtmlDecode(source), out var url))
                continue;
            if (url.Scheme == page.Scheme && url.Host == page.Host && url.Port == page.Port && !scripts.Contains(url))
                scripts.Add(url);
            if (scripts.Count == limit)
                break;
        }
        return scripts;
    }

    static IEnumerable<StatedVersion> Versions(Regex pattern, string text, string where, bool strong)
    {
        foreach (Match match in pattern.Matches(text))
            if (NexplaneVersion.TryParse(match.Groups["version"].Value, out var version))
                yield return new StatedVersion(version, where, strong);
    }
}
