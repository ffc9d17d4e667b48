namespace Nexplane.Sandbox;

/// <summary>
/// An environment variable the backend's settings module insists on. Real Nexplane validates them
/// with pydantic at import time, so both <c>alembic</c> and <c>uvicorn</c> die before touching the database.
/// </summary>
public sealed record RequiredSetting(string Name, int MinimumLength, string IntroducedIn)
{
    public static readonly RequiredSetting SecretKey = new("SECRET_KEY", 32, "0.1.0");
    public static readonly RequiredSetting WebhookSecret = new("WEBHOOK_SECRET", 16, "0.3.0");
    /// <summary>0.3.5 (real-shape catalog only): read when the API starts, after the migrations ran.</summary>
    public static readonly RequiredSetting EncryptionKey = new("NEXPLANE_ENCRYPTION_KEY", 32, "0.3.5");
}

public static class RequiredSettingsCheck
{
    /// <summary>
    /// Prints a pydantic-style validation error naming the variables (never their values) and returns false
    /// when any is missing or too short.
    /// </summary>
    public static bool Passes(Release release, string entryPointFile)
    {
        var problems = new List<(string Name, string Pydantic, string Plain)>();
        foreach (var setting in release.RequiredSettings)
        {
            var value = Environment.GetEnvironmentVariable(setting.Name);
            if (string.IsNullOrEmpty(value))
                problems.Add((setting.Name, "Field required [type=missing]",
                    $"{setting.Name} is not set (required since Nexplane {setting.IntroducedIn})"));
            else if (value.Length < setting.MinimumLength)
                problems.Add((setting.Name, $"Value error, {setting.Name} must be at least {setting.MinimumLength} characters [type=value_error]",
                    $"{setting.Name} is too weak: it must be at least {setting.MinimumLength} characters"));
        }

        if (problems.Count == 0)
            return true;

        var traceback = new PythonTraceback()
            .Frame(entryPointFile, 9, "<module>", "from app.core.config import settings")
            .Frame("/app/app/core/config.py", 71, "<module>", "settings = Settings()")
            .Frame("/usr/local/lib/python3.12/site-packages/pydantic_settings/main.py", 171, "__init__", "super().__init__(");
        var message = $"{problems.Count} validation error{(problems.Count == 1 ? "" : "s")} for Settings";
        foreach (var problem in problems)
            message += $"\n{problem.Name}\n  {problem.Pydantic}";
        traceback.Raise("pydantic_core._pydantic_core.ValidationError", message);
        foreach (var problem in problems)
            Console.Error.WriteLine($"Configuration error: {problem.Plain}. Nothing was changed.");
        return false;
    }

    /// <summary>
    /// The API's startup check of <see cref="Release.StartupRequiredSettings"/>: a uvicorn lifespan traceback, a plain
    /// <c>Configuration error: ...</c> line naming the variable (never its value), then false.
    /// </summary>
    public static bool StartupPasses(Release release)
    {
        foreach (var setting in release.StartupRequiredSettings)
        {
            var value = Environment.GetEnvironmentVariable(setting.Name);
            var problem = string.IsNullOrEmpty(value)
                ? $"{setting.Name} is not set (required since Nexplane {setting.IntroducedIn})"
                : value.Length < setting.MinimumLength
                    ? $"{setting.Name} is too weak: it must be at least {setting.MinimumLength} characters"
                    : null;
            if (problem is null)
                continue;
            new PythonTraceback()
                .Frame("/usr/local/lib/python3.12/site-packages/starlette/routing.py", 693, "lifespan", "async with self.lifespan_context(app) as maybe_state:")
                .Frame("/app/app/main.py", 52, "lifespan", "app.state.vault = CredentialVault.from_settings(settings)")
                .Frame("/app/app/core/vault.py", 28, "from_settings", "raise RuntimeError(...)")
                .Raise("RuntimeError", $"{problem}; it encrypts stored credentials. Set it in the backend's environment and restart.", "ERROR:    ");
            Console.Error.WriteLine($"Configuration error: {problem}. The backend will not start.");
            return false;
        }
        return true;
    }
}
