using EndToEnd.Tests.Support;

namespace EndToEnd.Tests.Preflight;

/// <summary>One sandbox on 0.2.0 for all Preflight tests: Preflight changes nothing, and each test proves it.</summary>
public sealed class PreflightSandbox : IAsyncLifetime
{
    public SandboxInstance Sandbox { get; } = new(11);

    public Task InitializeAsync() => Sandbox.StartFreshAsync("0.2.0");

    public Task DisposeAsync() => Sandbox.RemoveAsync();
}

/// <summary>The Preflight test classes share the one instance, so they run one after the other.</summary>
[CollectionDefinition(Name)]
public sealed class PreflightSandboxCollection : ICollectionFixture<PreflightSandbox>
{
    public const string Name = "Preflight sandbox";
}

/// <summary>Preflight against a real sandbox deployment on 0.2.0, run as an operator runs it: ./build.sh Preflight.</summary>
[Collection(PreflightSandboxCollection.Name)]
public sealed class PreflightTests(PreflightSandbox fixture)
{
    readonly SandboxInstance _sandbox = fixture.Sandbox;

    Task<BuildScriptResult> PreflightAsync(params string[] arguments) =>
        BuildScript.RunAsync(["Preflight", "--no-logo", .. _sandbox.ToolArguments, .. arguments]);

    [Fact]
    public async Task A_safe_upgrade_passes_prints_the_digest_and_changes_nothing()
    {
        var before = await DeploymentSnapshot.TakeAsync(_sandbox);

        var result = await PreflightAsync("--version", "0.3.0", "--accept-breaking-changes");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Running version: 0.2.0", result.Output);
        Assert.Contains("Upgrade path 0.2.0 -> 0.3.0", result.Output);
        Assert.Contains("environment: WEBHOOK_SECRET", result.Output);
        Assert.Contains($"backend: 127.0.0.1:5000/youbetyourballs/nexplane-backend:0.2.0 -> 127.0.0.1:5000/youbetyourballs/nexplane-backend:0.3.0", result.Output);
        Assert.Equal(before, await DeploymentSnapshot.TakeAsync(_sandbox));
    }

    [Fact]
    public async Task A_version_taken_from_an_environment_variable_is_named_as_such()
    {
        var fromEnvironment = await BuildScript.RunAsync(["Preflight", "--no-logo", .. _sandbox.ToolArguments, "--accept-breaking-changes"],
            new Dictionary<string, string?> { ["VERSION"] = "0.3.0" });
        var fromCommandLine = await PreflightAsync("--version", "0.3.0", "--accept-breaking-changes");

        Assert.True(fromEnvironment.ExitCode == 0, fromEnvironment.ToString());
        Assert.Contains("The target version 0.3.0 comes from the environment variable VERSION, not from --version on the command line", fromEnvironment.Output);
        Assert.DoesNotContain("comes from the environment variable", fromCommandLine.Output);
    }

    [Fact]
    public async Task A_version_beyond_a_required_stop_is_planned_through_it_and_changes_nothing()
    {
        var before = await DeploymentSnapshot.TakeAsync(_sandbox);

        var result = await PreflightAsync("--version", "0.4.0", "--accept-breaking-changes");

        Assert.Contains("Upgrade path 0.2.0 -> 0.3.0 -> 0.4.0", result.Output);
        Assert.Contains("Required stops: 0.3.0. The backend migrates and is checked at each before the next hop", result.Output);
        Assert.DoesNotContain("[required-stop]", result.Output);
        Assert.Equal(before, await DeploymentSnapshot.TakeAsync(_sandbox));
    }

    [Fact]
    public async Task A_stop_named_by_via_that_is_no_release_is_refused_and_changes_nothing()
    {
        var before = await DeploymentSnapshot.TakeAsync(_sandbox);

        var result = await PreflightAsync("--version", "0.4.0", "--accept-breaking-changes", "--via", "0.3.0,0.3.9");

        Assert.Equal(255, result.ExitCode);
        Assert.Contains("[required-stop] --via names 0.3.9, which is no Nexplane release", result.Output);
        Assert.Contains("nothing was changed", result.Output);
        Assert.Equal(before, await DeploymentSnapshot.TakeAsync(_sandbox));
    }

    [Fact]
    public async Task Breaking_changes_need_explicit_acceptance()
    {
        var result = await PreflightAsync("--version", "0.3.0");

        Assert.Equal(255, result.ExitCode);
        Assert.Contains("[breaking-changes]", result.Output);
        Assert.Contains("--accept-breaking-changes", result.Output);
    }

    [Fact]
    public async Task A_downgrade_is_refused()
    {
        var result = await PreflightAsync("--version", "0.1.0", "--release-notes-file", WriteNotes("# v0.1.0\nOld.\n# v0.2.0\nCurrent.\n"));

        Assert.Equal(255, result.ExitCode);
        Assert.Contains("[downgrade]", result.Output);
    }

    [Theory]
    [InlineData("0.3")]
    [InlineData("newest")]
    public async Task A_malformed_version_is_a_clear_error(string version)
    {
        var result = await PreflightAsync("--version", version);

        Assert.Equal(255, result.ExitCode);
        Assert.Contains($"'{version}' is not a Nexplane version", result.Output);
    }

    [Fact]
    public async Task Version_latest_is_the_newest_published_release_and_says_which()
    {
        var result = await PreflightAsync("--version", "latest", "--accept-breaking-changes");

        // 0.4.0 lies beyond the required stop 0.3.0: judged as if --version 0.4.0 had been asked for.
        Assert.Contains("--version latest is 0.4.0, the newest published release of youbetyourballs/nexplane", result.Output);
        Assert.Contains("Upgrade path 0.2.0 -> 0.3.0 -> 0.4.0", result.Output);
        Assert.DoesNotContain("is not a Nexplane version", result.Output);
    }

    [Fact]
    public async Task A_version_that_was_never_released_is_refused_listing_the_releases()
    {
        var result = await PreflightAsync("--version", "0.9.0");

        Assert.Equal(255, result.ExitCode);
        Assert.Contains("There is no Nexplane release 0.9.0. Published releases: 0.2.0, 0.3.0", result.Output);
    }

    [Fact]
    public async Task A_wrong_database_password_is_a_clear_error_that_never_prints_the_password()
    {
        const string wrong = "definitely-not-the-password-4711";

        var result = await PreflightAsync("--version", "0.3.0", "--accept-breaking-changes", "--database-password", wrong);

        Assert.Equal(255, result.ExitCode);
        Assert.Contains("[database]", result.Output);
        Assert.Contains("wrong password or user", result.Output);
        Assert.DoesNotContain(wrong, result.Output);
    }

    [Fact]
    public async Task A_login_that_would_fail_verification_is_refused_before_the_downtime_without_printing_the_password()
    {
        const string wrong = "not-the-admin-password-0815";

        var result = await PreflightAsync("--version", "0.3.0", "--accept-breaking-changes", "--login-password", wrong);

        Assert.Equal(255, result.ExitCode);
        Assert.Contains("[login] The login Verify will use fails on the running version", result.Output);
        Assert.DoesNotContain(wrong, result.Output);
    }

    [Fact]
    public async Task A_compose_file_that_moves_the_database_to_another_major_version_is_refused()
    {
        var original = await File.ReadAllTextAsync(_sandbox.ComposeFile);
        await File.WriteAllTextAsync(_sandbox.ComposeFile, original.Replace("nexplane-sandbox/postgres:15", "nexplane-sandbox/postgres:16"));
        try
        {
            var result = await PreflightAsync("--version", "0.3.0", "--accept-breaking-changes");

            Assert.Equal(255, result.ExitCode);
            Assert.Contains("[protected-image]", result.Output);
            Assert.Contains("major version change of db", result.Output);
        }
        finally
        {
            await File.WriteAllTextAsync(_sandbox.ComposeFile, original);
        }
    }

    [Fact]
    public async Task An_unreachable_docker_engine_is_a_clear_error()
    {
        var result = await BuildScript.RunAsync(
            ["Preflight", "--no-logo", .. _sandbox.ToolArguments, "--version", "0.3.0", "--accept-breaking-changes"],
            new Dictionary<string, string?> { ["DOCKER_HOST"] = "unix:///nonexistent/docker.sock" });

        Assert.Equal(255, result.ExitCode);
        Assert.Contains("[docker] The Docker engine at unix:///nonexistent/docker.sock does not answer", result.Output);
    }

    [Fact]
    public async Task A_missing_compose_file_is_a_clear_error()
    {
        var result = await BuildScript.RunAsync(
            ["Preflight", "--no-logo", .. _sandbox.ToolArguments, "--version", "0.3.0", "--compose-file", "/nonexistent/docker-compose.yml"]);

        Assert.Equal(255, result.ExitCode);
        Assert.Contains("The compose file /nonexistent/docker-compose.yml does not exist", result.Output);
    }

    [Fact]
    public async Task A_copy_of_the_compose_file_is_refused_as_another_deployment_beside_the_other_problems()
    {
        // Same project name (the .env says it), another compose file: its containers are not this file's deployment.
        var copy = Directory.CreateTempSubdirectory("preflight-copy-").FullName;
        try
        {
            File.Copy(_sandbox.ComposeFile, Path.Combine(copy, "docker-compose.yml"));
            File.Copy(_sandbox.EnvFile, Path.Combine(copy, ".env"));

            var result = await PreflightAsync("--version", "0.3.0", "--compose-file", Path.Combine(copy, "docker-compose.yml"));

            Assert.Equal(255, result.ExitCode);
            Assert.Contains("problem(s); nothing was changed", result.Output);
            Assert.Contains($"[deployment] Container {_sandbox.Project}", result.Output);
            Assert.Contains($"not from {Path.Combine(copy, "docker-compose.yml")}", result.Output);
            Assert.Contains("[breaking-changes]", result.Output);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public async Task Offline_release_notes_replace_github()
    {
        var notes = WriteNotes("# v0.3.0\n## Environment\n- `BRAND_NEW_SETTING` must be set\n");

        var result = await PreflightAsync("--version", "0.3.0", "--release-notes-file", notes);

        Assert.Equal(255, result.ExitCode);
        Assert.Contains("[environment]", result.Output);
        Assert.Contains("BRAND_NEW_SETTING", result.Output);
    }

    string WriteNotes(string markdown)
    {
        var path = Path.Combine(_sandbox.DeployDirectory, $"notes-{Guid.NewGuid():N}.md");
        File.WriteAllText(path, markdown);
        return path;
    }
}
