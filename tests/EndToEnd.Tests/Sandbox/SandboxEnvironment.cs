namespace EndToEnd.Tests.Sandbox;

/// <summary>The environment a correctly configured Nexplane deployment gives its backend.</summary>
public static class SandboxEnvironment
{
    public const string SecretKey = "test-secret-key-0123456789abcdef-0123456789";
    public const string WebhookSecret = "test-webhook-secret-0123456789";
    public const string AdminPassword = "sandbox-admin-Pa55word";
    public const string AdminEmail = "admin@nexplane.local";

    public static Dictionary<string, string?> For(string databaseUrl) => new()
    {
        ["DATABASE_URL"] = databaseUrl,
        ["SECRET_KEY"] = SecretKey,
        ["WEBHOOK_SECRET"] = WebhookSecret,
        ["NEXPLANE_ADMIN_PASSWORD"] = AdminPassword,
    };

    public static Dictionary<string, string?> With(this Dictionary<string, string?> environment, string name, string? value)
    {
        var copy = new Dictionary<string, string?>(environment) { [name] = value };
        return copy;
    }
}
