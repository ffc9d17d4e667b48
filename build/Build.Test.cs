using System.Xml.Linq;
using Nexplane.Upgrade.Processes;
using Nuke.Common;
using Nuke.Common.IO;
using Serilog;

partial class Build
{
    AbsolutePath TestResultsDirectory => TemporaryDirectory / "test-results";

    /// <summary>The line CI reads; .ci/run prints it last.</summary>
    AbsolutePath TestCountsFile => TestResultsDirectory / "counts.txt";

    /// <summary>
    /// The README's test command. Starts what the tests need (Docker engine, local registry, sandbox images), runs
    /// every test project against them, and reports "N passed, N failed, N skipped" from the TRX results.
    /// </summary>
    Target Test => _ => _
        .Description("Starts the test environment and runs all tests; prints 'N passed, N failed, N skipped'")
        .Executes(async cancellationToken =>
        {
            await RunScriptAsync("test-env.sh", [], cancellationToken);
            await RunScriptAsync("sandbox-images.sh", [], cancellationToken);

            if (Directory.Exists(TestResultsDirectory))
                Directory.Delete(TestResultsDirectory, recursive: true);
            Directory.CreateDirectory(TestResultsDirectory);

            // The end-to-end suite starts as soon as its own project is built, and the unit test projects are built
            // and run beside it: one after the other (as `dotnet test` on the solution did), the unit tests' 35 s came
            // after the end-to-end suite's 20 minutes. They are built after the end-to-end project, which builds the
            // projects they share, so that two builds never write the same project at once.
            if (await BuildTestProjectAsync(EndToEndTests, cancellationToken) != 0)
                throw new Exception($"The build of {EndToEndTests} failed; no test ran.");
            var exitCodes = await Task.WhenAll(
                RunTestProjectAsync("end-to-end", EndToEndTests, cancellationToken),
                BuildAndRunTestProjectsAsync("unit", UnitTests, cancellationToken));
            var exitCode = exitCodes.Max();

            var counts = TestCounts.FromTrxDirectory(TestResultsDirectory);
            File.WriteAllText(TestCountsFile, counts + Environment.NewLine);
            Log.Information("{Counts}", counts.ToString());
            ReportSummary(summary => summary["Tests"] = counts.ToString());

            // CI keeps only the tail of the output, so the failures are repeated here, after the long test log.
            var failures = FailedTest.FromTrxDirectory(TestResultsDirectory);
            foreach (var failure in failures)
                Log.Error("FAILED {Name}{NewLine}{Message}", failure.Name, Environment.NewLine, failure.Excerpt);

            if (exitCode != 0 || counts.Failed > 0)
                throw new Exception($"Tests failed ({counts}); dotnet test exited with code {exitCode}."
                    + string.Concat(failures.Select(failure => $"{Environment.NewLine}  failed: {failure.Name}")));
            if (counts.Total == 0)
                throw new Exception("No test ran.");
        });

    const string EndToEndTests = "tests/EndToEnd.Tests/EndToEnd.Tests.csproj";

    static readonly string[] UnitTests = ["tests/Nexplane.Upgrade.Tests/Nexplane.Upgrade.Tests.csproj", "tests/NukeCompat.Tests/NukeCompat.Tests.csproj"];

    /// <summary>
    /// Builds a test project; its exit code. Under build.sh's own lock: a test's ./build.sh that finds the build stale
    /// compiles the same src projects, and two builds must not write them at once.
    /// </summary>
    async Task<int> BuildTestProjectAsync(string project, CancellationToken cancellationToken)
    {
        var build = await Commands.RunAsync(
            new CommandLine("flock", TemporaryDirectory / "build-bin.lock", "dotnet", "build", RootDirectory / project, "-nologo", "--verbosity", "minimal")
            {
                WorkingDirectory = RootDirectory,
            },
            LogLine, LogLine, cancellationToken);
        if (build.ExitCode != 0)
            Log.Error("The build of {Project} failed (dotnet build exited with code {ExitCode}); its tests did not run", project, build.ExitCode);
        return build.ExitCode;
    }

    /// <summary>
    /// Builds and runs the projects one after the other; the highest exit code. A project that does not build is
    /// reported and counts as failed, and the others still run, so that the end-to-end results beside them are counted.
    /// </summary>
    async Task<int> BuildAndRunTestProjectsAsync(string group, string[] projects, CancellationToken cancellationToken)
    {
        var exitCode = 0;
        foreach (var project in projects)
        {
            var built = await BuildTestProjectAsync(project, cancellationToken);
            exitCode = Math.Max(exitCode, built != 0 ? built : await RunTestProjectAsync(group, project, cancellationToken));
        }
        return exitCode;
    }

    /// <summary>
    /// Runs a built test project with TRX results in a directory of its group's own (two runs that start in the same
    /// second would otherwise write the same TRX name); its exit code.
    /// </summary>
    async Task<int> RunTestProjectAsync(string group, string project, CancellationToken cancellationToken)
    {
        var dotnetTest = new CommandLine("dotnet",
            "test", RootDirectory / project,
            "--no-build",
            "--logger", "trx",
            "--logger", "console;verbosity=normal",
            "--results-directory", TestResultsDirectory / group,
            "--blame-hang-timeout", "10m")
        {
            WorkingDirectory = RootDirectory,
        };
        // The two groups run at once: each line says whose it is.
        void Line(string line) => LogLine($"[{group}] {line}");
        var result = await Commands.RunAsync(dotnetTest, Line, Line, cancellationToken);
        return result.ExitCode;
    }

    /// <summary>Totals over every TRX file of one run.</summary>
    sealed record TestCounts(int Passed, int Failed, int Skipped)
    {
        public int Total => Passed + Failed + Skipped;

        public override string ToString() => $"{Passed} passed, {Failed} failed, {Skipped} skipped";

        public static TestCounts FromTrxDirectory(string directory)
        {
            int passed = 0, failed = 0, total = 0;
            foreach (var trx in Directory.EnumerateFiles(directory, "*.trx", SearchOption.AllDirectories))
            {
                var counters = XDocument.Load(trx).Descendants().First(e => e.Name.LocalName == "Counters");
                int Read(string name) => int.Parse(counters.Attribute(name)?.Value ?? "0");
                passed += Read("passed");
                failed += Read("failed") + Read("error") + Read("timeout") + Read("aborted");
                total += Read("total");
            }
            return new TestCounts(passed, failed, Math.Max(0, total - passed - failed));
        }
    }

    /// <summary>One failed test of a TRX file: its name and the start of its message and stack trace.</summary>
    sealed record FailedTest(string Name, string Excerpt)
    {
        const int ExcerptLines = 25;

        public static IReadOnlyList<FailedTest> FromTrxDirectory(string directory) =>
            Directory.EnumerateFiles(directory, "*.trx", SearchOption.AllDirectories)
                .SelectMany(trx => XDocument.Load(trx).Descendants().Where(e => e.Name.LocalName == "UnitTestResult"))
                .Where(result => result.Attribute("outcome")?.Value is "Failed" or "Error" or "Timeout" or "Aborted")
                .Select(result =>
                {
                    string Text(string name) =>
                        result.Descendants().FirstOrDefault(e => e.Name.LocalName == name)?.Value.Trim() ?? "";
                    var lines = $"{Text("Message")}\n{Text("StackTrace")}".Split('\n');
                    var excerpt = string.Join(Environment.NewLine, lines.Take(ExcerptLines).Select(line => "    " + line.TrimEnd()));
                    return new FailedTest(result.Attribute("testName")?.Value ?? "(unnamed test)", excerpt);
                })
                .ToList();
    }
}
