namespace Nexplane.Sandbox;

/// <summary>
/// An environment variable the backend's settings module insists on. Real Nexplane validates them
/// with pydantic at import time, so both <c>alembic</c> and <c>uvicorn</c> die before touching the database.
/// </summary>
public sealed record RequiredSetting(string Name, int MinimumLength, string IntroducedIn)
{
    public static readonly RequiredSetting SecretKey = new("SECRET_KEY", 32, "0.1.0");
    public static readonly RequiredSetting WebhookSecret = new("WEBHOOK_SECRET", 16, "0.3.0");
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
}
