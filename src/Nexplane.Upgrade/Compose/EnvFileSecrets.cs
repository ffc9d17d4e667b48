using System.Text.RegularExpressions;

namespace Nexplane.Upgrade.Compose;

/// <summary>
/// The values of a deployment's .env that are secrets, to be redacted wherever the run relays what the deployment's
/// services print (a traceback may echo an encryption key or an SMTP password): those whose name says secret
/// (password, secret, token, key, credential), and the password inside a URL with credentials
/// (<c>postgresql://user:password@db/nexplane</c>). Values shorter than 4 characters are left alone: masking "1" or
/// "yes" would mask every such string in the output, and they guard nothing.
/// </summary>
public static partial class EnvFileSecrets
{
    const int ShortestSecret = 4;

    public static IReadOnlyList<string> In(DotEnvFile envFile)
    {
        var secrets = new List<string>();
        foreach (var (name, value) in envFile.Variables)
        {
            if (SecretName().IsMatch(name) && value.Length >= ShortestSecret)
                secrets.Add(value);
            foreach (Match credentials in UrlPassword().Matches(value))
                if (credentials.Groups["password"].Value.Length >= ShortestSecret)
                    secrets.Add(credentials.Groups["password"].Value);
        }
        return secrets.Distinct(StringComparer.Ordinal).ToArray();
    }

    [GeneratedRegex(@"PASSWORD|PASSWD|SECRET|TOKEN|(^|_)KEY($|_)|KEYS?$|CREDENTIAL|PRIVATE", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    [GeneratedRegex(@"://[^:/@\s]+:(?<password>[^@\s]+)@")]
    private static partial Regex UrlPassword();
}
