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

            // One build, then the end-to-end suite and the unit tests side by side: run one after the other (as
            // `dotnet test` on the solution did), the unit tests' 35 s came after the end-to-end suite's 20 minutes.
            var build = await Commands.RunAsync(
                new CommandLine("dotnet", "build", RootDirectory / "nexplane-upgrade.slnx", "-nologo", "--verbosity", "minimal")
                {
                    WorkingDirectory = RootDirectory,
                },
                LogLine,
                LogLine,
                cancellationToken);
            if (build.ExitCode != 0)
                throw new Exception($"The build of the solution failed (dotnet build exited with code {build.ExitCode}); no test ran.");
            var exitCodes = await Task.WhenAll(
                RunTestProjectsAsync("end-to-end", ["tests/EndToEnd.Tests/EndToEnd.Tests.csproj"], cancellationToken),
                RunTestProjectsAsync("unit", ["tests/Nexplane.Upgrade.Tests/Nexplane.Upgrade.Tests.csproj", "tests/NukeCompat.Tests/NukeCompat.Tests.csproj"],
                    cancellationToken));
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

    /// <summary>
    /// Runs the already built test projects one after the other, each with TRX results in a directory of the group's
    /// own (two runs that start in the same second would otherwise write the same TRX name); the highest exit code.
    /// </summary>
    async Task<int> RunTestProjectsAsync(string group, string[] projects, CancellationToken cancellationToken)
    {
        var exitCode = 0;
        foreach (var project in projects)
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
            var result = await Commands.RunAsync(dotnetTest, LogLine, LogLine, cancellationToken);
            exitCode = Math.Max(exitCode, result.ExitCode);
        }
        return exitCode;
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
