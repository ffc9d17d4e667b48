namespace Nexplane.Upgrade.Backend;

/// <summary>The account Verify logs in with; the password is a secret (from a parameter or the deployment's .env).</summary>
public sealed record LoginAccount(string Email, string? Password);
