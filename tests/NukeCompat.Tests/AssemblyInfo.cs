// Runs share process-wide state (Serilog's Log.Logger, NukeBuild.RootDirectory, the secret list), like a real build.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
