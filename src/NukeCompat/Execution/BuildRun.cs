using System.Collections;
using System.Text;
using Nuke.Common.Hosts;
using Nuke.Common.IO;
using Nuke.Common.Output;
using Nuke.Common.Parameters;
using Serilog;

namespace Nuke.Common.Execution;

/// <summary>
/// One run from command line to exit code, in NUKE's order: root and logging, discovery, parameters, schema, logo,
/// plan, help/plan output, executor, then the Errors &amp; Warnings replay, summary table and outcome line.
/// </summary>
internal sealed class BuildRun(BuildOptions options, Func<NukeBuild> createBuild, IReadOnlyList<string> defaultTargetNames)
{
    private const int FailureExitCode = -1;

    private readonly CommandLineArguments _arguments = new(options.Arguments);
    private readonly IReadOnlyDictionary<string, string> _environment = options.EnvironmentVariables ?? ReadProcessEnvironment();

    public int Execute()
    {
        var terminal = options.Output ?? Console.Out;
        // Asked now: setting the console's encoding below replaces Console.Out.
        var outputIsTerminal = options.Output is null && !Console.IsOutputRedirected;
        var palette = options.UseColors switch
        {
            true => AnsiPalette.ForTerminal(_environment),
            false => null,
            null => AnsiPalette.Detect(terminal, _environment),
        };
        if (options.Output is null)
            UseUtf8Console();
        SecretRedactor.Clear();

        var connection = new TerminalConnection();
        var output = new HangUpSafeWriter(terminal, connection);
        // A run given its interrupts (a test) hears no signal of the process: neither Ctrl+C nor SIGHUP.
        using var processInterrupts = options.Interrupts is null ? ProcessInterrupts.Register() : null;
        using var cancellation = new BuildCancellation();
        using var attachment = (options.Interrupts ?? processInterrupts!.Signal).Attach(cancellation.OnInterrupt);
        using var hangUpAttachment = (options.HangUps ?? processInterrupts?.HangUps ?? new HangUpSignal()).Attach(() => connection.HangUp("SIGHUP"));

        NukeBuild build;
        ParameterFiles files;
        try
        {
            var verbosity = ReadVerbosity();
            var root = RootDirectoryLocator.Locate(options, _arguments);
            NukeBuild.InitializeRun(root, IsServerBuild(_environment), verbosity, BuildHost.Choose(ReadHost(), _environment));
            NukeBuild.TemporaryDirectory.CreateDirectory();
            build = createBuild();
            files = ParameterFiles.Load(root, _arguments.GetValues("profile") ?? [],
                profilesReplaceDefault: build.GetType().IsDefined(typeof(ProfilesReplaceDefaultParametersAttribute), inherit: true));
        }
        catch (Exception exception)
        {
            using var early = BuildLogging.Create(output, palette, Verbosity.Normal, logDirectory: null, () => null, configureSinks: null);
            ReportError(early.Logger, exception);
            return FailureExitCode;
        }

        NukeBuild.LiveConsole = options.LiveConsole ?? LiveConsole.Detect(terminal, output, outputIsTerminal, _environment, NukeBuild.Host, palette is not null);
        var session = new BuildSession(build, cancellation);
        build.Session = session;
        var previousLogger = Log.Logger;
        var onlyDescribes = OnlyDescribes(files);
        using var logging = BuildLogging.Create(output, palette, NukeBuild.Verbosity,
            NukeBuild.IsServerBuild || onlyDescribes ? null : NukeBuild.TemporaryDirectory, () => session.RunningTarget?.Name,
            onlyDescribes ? null : build.ConfigureLogging, NukeBuild.Host, NukeBuild.LiveConsole,
            lateLogDirectory: NukeBuild.TemporaryDirectory);
        session.Logger = logging.Logger;
        session.Host = logging.Host;
        Log.Logger = logging.Logger;
        cancellation.Interrupted += count => ReportInterrupt(session.Logger, count);
        NukeBuild.RunLogFile = logging.RunLogFile;
        connection.OnLost(how => ReportHangUp(session, how, logging));
        try
        {
            return Run(session, files, logging.Warnings);
        }
        finally
        {
            Log.Logger = previousLogger;
        }
    }

    private int Run(BuildSession session, ParameterFiles files, WarningCollector warnings)
    {
        int? earlyExitCode = null;
        var failedOutsideTargets = false;
        try
        {
            earlyExitCode = RunPhasesAsync(session, files).GetAwaiter().GetResult();
        }
        catch (BuildStoppedException)
        {
            failedOutsideTargets = true;
        }
        catch (Exception exception)
        {
            ReportError(session.Logger, exception);
            failedOutsideTargets = true;
        }

        if (earlyExitCode is { } code)
            return session.Build.ExitCode ?? code;
        if (session.Plan is not null)
            Finish(session, warnings, succeeded: !failedOutsideTargets && session.Build.IsSucceeding);
        return session.Build.ExitCode ?? (failedOutsideTargets || session.Build.IsFailing ? FailureExitCode : 0);
    }

    /// <returns>An exit code when the run ends before the executor (<c>--help</c>, <c>--plan</c>, empty plan).</returns>
    private async Task<int?> RunPhasesAsync(BuildSession session, ParameterFiles files)
    {
        var build = session.Build;
        var root = NukeBuild.RootDirectory;
        session.Targets = TargetDiscovery.Discover(build);
        MarkDefaultTargets(session.Targets);

        var parameters = ParameterMember.Discover(build.GetType());
        var buildType = build.GetType();
        var sources = new ParameterSources(_arguments, _environment, files, root, message => session.Logger.Warning("{Warning:l}", message));
        ParameterInjector.Inject(build, parameters, sources);
        CheckUnknownOptions(session.Logger, parameters, reject: buildType.IsDefined(typeof(RejectUnknownOptionsAttribute), inherit: true));
        SchemaFile.Write(root, session.Targets, parameters, buildType);
        CreateDefaultParametersFile(root);
        build.OnBuildCreated();

        if (!_arguments.GetFlag("nologo"))
            Logo.Write(session.Host);

        session.Plan = ExecutionPlanner.Plan(session.Targets, InvokedTargetNames(sources));
        if (_arguments.GetFlag("plan"))
        {
            session.Host.WriteBlock(PlanText.Render(session.Targets, session.Plan));
            return 0;
        }

        if (_arguments.GetFlag("help") || session.Plan.Count == 0)
        {
            session.Host.WriteBlock(HelpText.Render(session.Targets, parameters));
            return 0;
        }

        build.OnBuildInitialized();

        var skipNames = _arguments.GetValues("skip") is { } skip ? CommandLineArguments.SplitTargetNames(skip) : null;
        var executor = new BuildExecutor(session, skipNames);
        executor.ApplySkipParameter();
        executor.ApplyStaticConditions();
        executor.CheckRequirements(parameters);
        var attemptLog = BuildAttemptLog.Start(NukeBuild.TemporaryDirectory, _arguments.Tokens, _arguments.GetFlag("continue"),
            message => session.Logger.Warning("{Warning:l}", message));
        await executor.RunAsync(attemptLog);
        return null;
    }

    /// <summary>
    /// A run that only prints text and changes nothing: <c>--help</c>, <c>--plan</c>, or no target named anywhere and
    /// none by default (which prints the help). It starts no log files and none of the build's own sinks
    /// (<see cref="NukeBuild.ConfigureLogging"/>), so the last real run's build.log and kept copies stay as they were,
    /// and it starts sooner. Target names are looked up as the run will (command line, environment, parameter files);
    /// a warning or an error of that lookup is left to the run's own, later, with its logs.
    /// </summary>
    private bool OnlyDescribes(ParameterFiles files)
    {
        if (_arguments.GetFlag("help") || _arguments.GetFlag("plan"))
            return true;
        try
        {
            return defaultTargetNames.Count == 0 &&
                   InvokedTargetNames(new ParameterSources(_arguments, _environment, files, NukeBuild.RootDirectory, _ => { })) is null or [];
        }
        catch (BuildConfigurationException)
        {
            return false;
        }
    }

    /// <summary>Targets come from <c>--target</c>, else the leading positional names, else the env or parameter files.</summary>
    private IReadOnlyList<string>? InvokedTargetNames(ParameterSources sources)
    {
        if (_arguments.GetValues("target") is { } named)
            return CommandLineArguments.SplitTargetNames(named);
        if (_arguments.PositionalTargets.Count > 0)
            return _arguments.PositionalTargets;
        var (found, value, _) = sources.Resolve("Target", typeof(string[]), separator: null, isSecret: false);
        return found && value is string[] names ? CommandLineArguments.SplitTargetNames(names) : null;
    }

    private void MarkDefaultTargets(IReadOnlyList<ExecutableTarget> targets)
    {
        foreach (var name in defaultTargetNames)
        {
            var target = targets.FirstOrDefault(x => x.Name == name)
                ?? throw new BuildConfigurationException($"Default target '{name}' is not a Target property of the build.");
            target.IsDefault = true;
        }
    }

    private void Finish(BuildSession session, WarningCollector warnings, bool succeeded)
    {
        var plan = session.Plan!;
        foreach (var target in plan)
        {
            target.Stopwatch.Stop();
            target.Status = target.Status switch
            {
                ExecutionStatus.Scheduled => ExecutionStatus.NotRun,
                ExecutionStatus.Running => ExecutionStatus.Aborted,
                _ => target.Status,
            };
        }

        var host = session.Host;
        var entries = warnings.Entries;
        if (entries.Count > 0)
        {
            host.Blank();
            host.Write("Errors & Warnings", OutputStyle.Information);
            foreach (var (level, target, message) in entries)
            {
                var isError = level > Serilog.Events.LogEventLevel.Warning;
                var prefix = (isError ? "[ERR] " : "[WRN] ") + (target.Length > 0 ? target + ": " : "");
                host.Write(prefix + message, isError ? OutputStyle.Error : OutputStyle.Warning);
            }
        }

        foreach (var (text, style) in SummaryTable.Render(plan))
            host.Write(text, style);
        host.Blank();
        var (outcome, outcomeStyle) = SummaryTable.Outcome(succeeded && session.Build.IsSucceeding, DateTime.Now);
        host.Write(outcome, outcomeStyle);

        try
        {
            session.Build.OnBuildFinished();
        }
        catch (Exception exception)
        {
            ReportError(session.Logger, exception);
        }
    }

    /// <summary>NUKE warns about options that name no parameter; with <see cref="RejectUnknownOptionsAttribute"/> they end the build.</summary>
    private void CheckUnknownOptions(ILogger logger, IReadOnlyList<ParameterMember> parameters, bool reject)
    {
        var known = new HashSet<string>(BuiltInParameters.MatchKeys);
        foreach (var parameter in parameters)
            known.Add(ParameterNaming.MatchKey(parameter.Name));
        // Each unknown key once, as first written. A loop, as the start-up path is kept free of LINQ over value
        // types (which ReadyToRun leaves to the JIT; see benchmarks/startup.sh).
        var unknown = new List<string>();
        foreach (var option in _arguments.Options)
        {
            if (known.Add(option.Key))
                unknown.Add(option.Token);
        }
        if (unknown.Count > 0 && reject)
            throw new BuildConfigurationException(
                $"Unknown option{(unknown.Count == 1 ? "" : "s")} {string.Join(", ", unknown.Select(token => $"'{token}'"))}: nothing was run. " +
                "See --help for the parameters.");
        foreach (var token in unknown)
            logger.Warning("Unknown option '{Option:l}' was ignored; see --help for the parameters", token);
    }

    private string? ReadHost() => _arguments.GetValues("host") switch
    {
        null => null,
        [var name] => name,
        var values => throw new BuildConfigurationException(
            $"Value [ {string.Join(", ", values)} ] is not a host; use one of: {string.Join(", ", BuildHost.Known.Select(host => host.Name))}."),
    };

    private Verbosity ReadVerbosity()
    {
        if (_arguments.GetValues("verbosity") is not { } values)
            return Verbosity.Normal;
        return values.Count == 1 && Enum.TryParse<Verbosity>(values[0], ignoreCase: true, out var verbosity) && Enum.IsDefined(verbosity)
            ? verbosity
            : throw new BuildConfigurationException(
                $"Value [ {string.Join(", ", values)} ] is not a verbosity; use one of: {string.Join(", ", Enum.GetNames<Verbosity>())}.");
    }

    private static void CreateDefaultParametersFile(AbsolutePath root)
    {
        var file = ParameterFiles.DefaultFile(root);
        if (!file.FileExists())
            File.WriteAllText(file, "{\n  \"$schema\": \"build.schema.json\"\n}\n");
    }

    private static void ReportError(ILogger logger, Exception exception)
    {
        // Setup errors speak for themselves; anything else gets its type, and the stack trace at verbose level.
        if (exception is BuildConfigurationException)
            logger.Error("{ErrorMessage:l}", exception.Message);
        else
            logger.Error("{ExceptionType:l}: {ErrorMessage:l}", exception.GetType().Name, exception.Message);
        logger.Verbose(exception, "Exception details");
    }

    private static void ReportInterrupt(ILogger logger, int count)
    {
        if (count == 1)
            logger.Warning("Cancellation requested: the running target is asked to stop, then targets that are assured after failure run. Press Ctrl+C again to cancel those too");
        else
            logger.Warning("Cancellation requested again: cancelling the targets that are assured after failure. A third Ctrl+C ends the process at once");
    }

    /// <summary>
    /// Says in the log (the terminal no longer shows anything) that the terminal went away and the build goes on, then
    /// lets the build record it. Never throws: it runs on whichever thread noticed, maybe inside a write.
    /// </summary>
    private static void ReportHangUp(BuildSession session, string how, BuildLogging logging)
    {
        try
        {
            // A server build has no log file yet: without one, nothing the run does from here would be kept.
            var runLogFile = StartRunLog(session, logging);
            NukeBuild.RunLogFile = runLogFile;
            session.Logger.Warning(
                "The terminal went away ({How:l}): the build goes on to its end without it{Where:l}",
                how, runLogFile is null ? "" : $", and goes on writing to {runLogFile}");
            session.Build.OnTerminalHungUp();
        }
        catch (Exception exception)
        {
            session.Logger.Verbose(exception, "Recording the hang-up failed");
        }
    }

    /// <summary>The run's own log, started now if need be; a log that cannot be started never stops the hang-up's record.</summary>
    private static AbsolutePath? StartRunLog(BuildSession session, BuildLogging logging)
    {
        try
        {
            return logging.EnsureRunLog(DateTime.Now);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            session.Logger.Verbose(exception, "Starting the run's own log failed");
            return null;
        }
    }

    /// <summary>A CI server: the generic <c>CI</c> variable or one a known CI system always sets.</summary>
    private static bool IsServerBuild(IReadOnlyDictionary<string, string> environment)
    {
        if (environment.GetValueOrDefault("CI") is { Length: > 0 } ci && ci != "false" && ci != "0")
            return true;
        string[] markers = ["GITHUB_ACTIONS", "GITLAB_CI", "TF_BUILD", "TEAMCITY_VERSION", "JENKINS_URL", "BUILDKITE", "APPVEYOR", "CIRCLECI", "BITBUCKET_BUILD_NUMBER"];
        return markers.Any(x => !string.IsNullOrEmpty(environment.GetValueOrDefault(x)));
    }

    private static IReadOnlyDictionary<string, string> ReadProcessEnvironment()
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
            variables[(string)entry.Key] = entry.Value as string ?? "";
        return variables;
    }

    private static void UseUtf8Console()
    {
        try
        {
            Console.OutputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        }
        catch (IOException)
        {
            // Not a console we may configure; the box-drawing characters may look odd, nothing more.
        }
    }
}
