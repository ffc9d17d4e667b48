using System.Net;
using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Tests.Operator;

namespace Nexplane.Upgrade.Tests.Backend;

public sealed class DeploymentVerifierTests
{
    const string Password = "s3cret-admin-password-value";
    static readonly Uri Api = new("http://127.0.0.1:18000");
    static readonly VersionEndpoint[] Endpoints = [VersionEndpoint.Parse("/health#version"), VersionEndpoint.Parse("/downloads/version")];

    static FakeHttp HealthyBackend(string version = "0.3.0") => new FakeHttp()
        .On("GET /health", HttpStatusCode.OK, $$"""{"status":"ok","service":"nexplane","version":"{{version}}"}""")
        .On("POST /auth/login", request => request.Content!.ReadAsStringAsync().Result.Contains(Password)
            ? (HttpStatusCode.OK, """{"access_token":"jwt-token","token_type":"bearer"}""")
            : (HttpStatusCode.Unauthorized, """{"detail":"Incorrect email or password"}"""))
        .On("GET /assets", request => request.Headers.Authorization?.Parameter == "jwt-token"
            ? (HttpStatusCode.OK, """[{"id":1},{"id":2}]""")
            : (HttpStatusCode.Unauthorized, """{"detail":"Not authenticated"}"""));

    static Task<IReadOnlyList<VerificationGate>> Verify(FakeHttp http, string? password = Password, string target = "0.3.0") =>
        new DeploymentVerifier(http.Client(), TestAdvice.Nuke).VerifyAsync(Api, Endpoints, NexplaneVersion.Parse(target), "admin@nexplane.local", password, CancellationToken.None);

    [Fact]
    public async Task A_healthy_upgrade_passes_every_gate()
    {
        var http = HealthyBackend();
        var gates = await Verify(http);

        Assert.All(gates, gate => Assert.True(gate.Passed, gate.ToString()));
        Assert.Equal(["version", "login", "assets"], gates.Select(g => g.Name));
        Assert.Contains("2 assets", gates[2].Detail);
        Assert.Equal("Bearer jwt-token", http.AuthorizationHeaders.Last());
    }

    [Fact]
    public async Task A_release_reporting_another_version_fails_the_version_gate_by_name()
    {
        var gates = await Verify(HealthyBackend("0.3.0-rc1"), target: "0.3.3");

        var version = Assert.Single(gates, g => !g.Passed);
        Assert.Equal("version", version.Name);
        Assert.Contains("reports 0.3.0-rc1, not 0.3.3", version.Detail);
    }

    [Fact]
    public async Task A_rejected_login_says_why_skips_assets_and_never_shows_the_password()
    {
        var gates = await Verify(HealthyBackend(), password: "wrong-password-value");

        Assert.False(gates[1].Passed);
        Assert.Contains("401", gates[1].Detail);
        Assert.Contains("Incorrect email or password", gates[1].Detail);
        Assert.False(gates[2].Passed);
        Assert.Contains("not checked", gates[2].Detail);
        Assert.DoesNotContain(gates, g => g.ToString().Contains("wrong-password-value"));
    }

    [Fact]
    public async Task A_missing_password_fails_the_login_gate_with_where_to_set_it()
    {
        var gates = await Verify(HealthyBackend(), password: null);

        Assert.Contains("--login-password", gates[1].Detail);
    }

    [Fact]
    public async Task An_asset_inventory_that_is_not_a_list_fails_the_assets_gate()
    {
        var http = HealthyBackend().On("GET /assets", HttpStatusCode.OK, """{"items":[]}""");

        var gates = await Verify(http);

        Assert.False(gates[2].Passed);
        Assert.Contains("not a list", gates[2].Detail);
    }

    /// <summary>Answers as <paramref name="inner"/>, except that <c>GET /assets</c> never answers.</summary>
    sealed class AssetsNeverAnswer(FakeHttp inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri!.AbsolutePath == "/assets")
                await Task.Delay(Timeout.Infinite, cancellationToken);
            return await base.SendAsync(request, cancellationToken);
        }
    }

    [Fact]
    public async Task An_inventory_that_never_answers_fails_the_assets_gate_at_the_clients_timeout_not_the_whole_check()
    {
        using var http = new HttpClient(new AssetsNeverAnswer(HealthyBackend())) { Timeout = TimeSpan.FromMilliseconds(200) };

        var gates = await new DeploymentVerifier(http, TestAdvice.Nuke).VerifyAsync(Api, Endpoints, NexplaneVersion.Parse("0.3.0"),
            "admin@nexplane.local", Password, CancellationToken.None);

        Assert.True(gates[1].Passed, gates[1].ToString());
        Assert.False(gates[2].Passed);
        Assert.Contains("GET http://127.0.0.1:18000/assets:", gates[2].Detail);
        Assert.Contains("Timeout", gates[2].Detail);
    }
}
