using Nexplane.Upgrade.Compose;

namespace Nexplane.Upgrade.Tests.Compose;

/// <summary>Which .env values are masked in what the deployment's services print, and which are not.</summary>
public class EnvFileSecretsTests
{
    [Fact]
    public void Values_named_as_secrets_and_passwords_inside_urls_are_secrets()
    {
        var env = DotEnvFile.Parse("/srv/nexplane/.env", """
            POSTGRES_PASSWORD=pg-pass-123
            SECRET_KEY=0123456789abcdef
            NEXPLANE_ENCRYPTION_KEY=enc-key-value
            SMTP_PASSWD=smtp-pass
            GITHUB_TOKEN=ghp_abcdef
            AWS_SECRET_ACCESS_KEY=aws-secret
            DATABASE_URL=postgresql://nexplane:url-pass-9@db:5432/nexplane
            IMAGE_TAG=v0.3.0
            COMPOSE_PROJECT_NAME=nexplane-prod
            KEYCLOAK_REALM=nexplane
            WEBHOOK_SECRET=no
            """);

        Assert.Equal(["pg-pass-123", "0123456789abcdef", "enc-key-value", "smtp-pass", "ghp_abcdef", "aws-secret", "url-pass-9"], EnvFileSecrets.In(env));
    }
}
