using System.Text;
using CliWrap;
using EndToEnd.Tests.Support;
using Xunit.Abstractions;

namespace EndToEnd.Tests.Rollback;

/// <summary>
/// Fault matrix, failures before the point of no return: the deployment must not change at all (not even the app
/// containers), and no rollback is needed.
/// </summary>
[Collection(SharedRunbookDeploymentCollection.Name)]
public sealed class BeforeDowntimeFailureTests(SharedRunbookDeployment fixture, ITestOutputHelper output)
{
    readonly RollbackDeployment _deployment = fixture.Deployment;

    /// <summary>
    /// The worker's 0.3.0 image is served from a repository only this test uses, whose tag exists (Preflight's
    /// manifest check passes) but whose image configuration blob was unlinked through the registry's delete API, so
    /// the engine's pull fails. The shared images are never touched: blobs are unlinked per repository.
    /// </summary>
    [Fact]
    public async Task An_image_that_cannot_be_pulled_stops_the_upgrade_with_nothing_changed()
    {
        await _deployment.ReadyOnAsync("0.2.0");
        var repository = $"127.0.0.1:5000/rollback-test-{_deployment.Sandbox.Number}/nexplane-worker";
        var originalCompose = await File.ReadAllTextAsync(_deployment.Sandbox.ComposeFile);
        try
        {
            await Docker("tag", "127.0.0.1:5000/youbetyourballs/nexplane-worker:0.2.0", $"{repository}:0.2.0");
            await Docker("push", "-q", $"{repository}:0.2.0");
            // A distinct image (own configuration digest) with the release's layers, so no local copy can satisfy the pull.
            await Docker(["build", "-q", "-t", $"{repository}:0.3.0", "-"],
                $"FROM 127.0.0.1:5000/youbetyourballs/nexplane-worker:0.3.0\nLABEL org.nexplane.test=unpullable-{_deployment.Sandbox.Number}\n");
            await Docker("push", "-q", $"{repository}:0.3.0");
            var config = (await Docker("image", "inspect", "--format", "{{.Id}}", $"{repository}:0.3.0")).Trim();
            await Docker("rmi", $"{repository}:0.3.0");
            using (var http = new HttpClient())
            {
                var unlinked = await http.DeleteAsync($"http://{repository.Replace("127.0.0.1:5000/", "127.0.0.1:5000/v2/")}/blobs/{config}");
                Assert.True(unlinked.IsSuccessStatusCode, $"the registry refused to unlink {config}: {(int)unlinked.StatusCode}");
            }
            await File.WriteAllTextAsync(_deployment.Sandbox.ComposeFile,
                originalCompose.Replace("127.0.0.1:5000/youbetyourballs/nexplane-worker:0.2.0", $"{repository}:0.2.0"));
            var before = await _deployment.CaptureAsync();

            var run = await _deployment.UpgradeAsync("0.3.0");

            Assert.NotEqual(0, run.ExitCode);
            Assert.Matches(@"Preflight\s+Succeeded", run.Output);
            Assert.Matches(@"Pull\s+Failed", run.Output);
            Assert.Matches(@"Stop\s+NotRun", run.Output);
            Assert.DoesNotMatch(@"Rollback\s+Succeeded", run.Output);
            Assert.Contains("worker", run.Output);
            // Nothing changed at all: even the app containers are the same ones, never restarted.
            Assert.Equal(before.Snapshot, await DeploymentSnapshot.TakeAsync(_deployment.Sandbox));
            Assert.Equal(before.Version, await _deployment.ServedVersionAsync());
            Assert.Empty(_deployment.UnfinishedJournals());
            RollbackMatrix.Record(output, "image pull fails (worker 0.3.0 unpullable): 0.2.0 -> 0.3.0",
                $"Pull failed, exit {run.ExitCode}; nothing stopped, nothing to undo", null);
        }
        finally
        {
            await Docker("rmi", "--force", $"{repository}:0.2.0");
            // Only this test's repository: its manifests and links, never a shared blob.
            var storage = Path.Combine("/var/lib/nexplane-sandbox/registry/docker/registry/v2/repositories", $"rollback-test-{_deployment.Sandbox.Number}");
            if (Directory.Exists(storage))
                Directory.Delete(storage, recursive: true);
            // The containers still run the shared image; with the original compose file the instance is reusable.
            await File.WriteAllTextAsync(_deployment.Sandbox.ComposeFile, originalCompose);
        }
    }

    /// <summary>
    /// A wrong operator-supplied login password is a mistake Preflight can catch with one request while the old
    /// version still serves; finding it in Verify, after the downtime, turns a typo into a rollback (whose own
    /// verification then fails the same way).
    /// </summary>
    [Fact]
    public async Task A_wrong_login_password_is_refused_before_anything_changes()
    {
        await _deployment.ReadyOnAsync("0.2.0");
        var before = await _deployment.CaptureAsync();

        var run = await _deployment.UpgradeAsync("0.3.0", "--login-password", "not-the-admin-password-" + Guid.NewGuid().ToString("N"));

        RollbackMatrix.Record(output, "login fails (wrong --login-password): 0.2.0 -> 0.3.0",
            $"exit {run.ExitCode}; " + (System.Text.RegularExpressions.Regex.IsMatch(run.Output, @"Stop\s+Succeeded")
                ? "NOT caught before the downtime: Verify failed, the rollback's own verify failed the same way" : "refused before the downtime"),
            System.Text.RegularExpressions.Regex.IsMatch(run.Output, @"Rollback\s+(Succeeded|Failed)") ? RollbackTiming.Of(run) : null);
        Assert.NotEqual(0, run.ExitCode);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(run.Output, @"Stop\s+NotRun"),
            "a wrong login password was not caught before the downtime (Preflight does not try the login): " + run);
        Assert.Contains("login", run.Output, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before.Snapshot, await DeploymentSnapshot.TakeAsync(_deployment.Sandbox));
    }

    static Task<string> Docker(params string[] arguments) => Docker(arguments, null);

    static async Task<string> Docker(string[] arguments, string? input)
    {
        var output = new StringBuilder();
        var command = Cli.Wrap("docker").WithArguments(arguments)
            .WithEnvironmentVariables(new Dictionary<string, string?> { ["DOCKER_BUILDKIT"] = "0" })
            .WithValidation(CommandResultValidation.None)
            .WithStandardOutputPipe(PipeTarget.ToStringBuilder(output))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(output));
        if (input is not null)
            command = command.WithStandardInputPipe(PipeSource.FromString(input));
        var result = await command.ExecuteAsync();
        if (result.ExitCode != 0 && arguments[0] != "rmi")
            throw new InvalidOperationException($"docker {string.Join(' ', arguments)} failed ({result.ExitCode}): {output}");
        return output.ToString();
    }
}
