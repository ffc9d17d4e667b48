using System.Text;

namespace Nuke.Common.Parameters;

/// <summary>NUKE's naming rules: kebab-case CLI names that keep brand words whole, and lenient matching.</summary>
internal static class ParameterNaming
{
    private static readonly string[] KnownWords =
        ["DotNet", "GitHub", "GitVersion", "MSBuild", "NuGet", "ReSharper", "AppVeyor", "TeamCity", "GitLab", "SignPath", "JetBrains"];

    /// <summary><c>NuGetApiKey</c> becomes <c>nuget-api-key</c>; runs of capitals stay together (<c>APIKey</c> becomes <c>apikey</c>).</summary>
    public static string ToKebabCase(string name)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < name.Length;)
        {
            var known = KnownWords.FirstOrDefault(word => string.CompareOrdinal(name, i, word, 0, word.Length) == 0);
            if (known is not null)
            {
                Flush();
                words.Add(known);
                i += known.Length;
                continue;
            }

            if (current.Length > 0 && char.IsUpper(name[i]) && char.IsLower(current[^1]))
                Flush();
            current.Append(name[i]);
            i++;
        }

        Flush();
        return string.Join("-", words).ToLowerInvariant();

        void Flush()
        {
            if (current.Length > 0)
                words.Add(current.ToString());
            current.Clear();
        }
    }

    /// <summary>The comparison key for CLI options and file keys: dashes removed, case ignored.</summary>
    public static string MatchKey(string name) => name.Replace("-", "").ToLowerInvariant();

    /// <summary>The comparison key for environment variables: letters and digits only, case ignored.</summary>
    public static string EnvironmentKey(string name) =>
        new string(name.Where(char.IsLetterOrDigit).ToArray()).ToLowerInvariant();
}
