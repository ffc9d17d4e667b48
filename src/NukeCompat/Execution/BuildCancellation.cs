namespace Nuke.Common.Execution;

/// <summary>
/// The run's cancellation: the first interrupt cancels the build token; the targets that are assured after failure
/// then get a fresh token, which a second interrupt cancels. A third interrupt is not handled, so the process ends.
/// </summary>
internal sealed class BuildCancellation : IDisposable
{
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _build = new();
    private CancellationTokenSource? _assured;
    private int _interrupts;

    public event Action<int>? Interrupted;

    public CancellationToken Token
    {
        get
        {
            lock (_gate)
                return (_assured ?? _build).Token;
        }
    }

    public bool IsInterrupted => Volatile.Read(ref _interrupts) > 0;

    public bool OnInterrupt()
    {
        var count = Interlocked.Increment(ref _interrupts);
        if (count > 2)
            return false;
        // Say what happens before cancelling, so the explanation precedes the targets' reactions in the log.
        Interrupted?.Invoke(count);
        lock (_gate)
        {
            if (count == 1)
                _build.Cancel();
            else
                _assured?.Cancel();
        }

        return true;
    }

    public void BeginAssuredPhase()
    {
        lock (_gate)
        {
            _assured = new CancellationTokenSource();
            if (Volatile.Read(ref _interrupts) >= 2)
                _assured.Cancel();
        }
    }

    public void Dispose()
    {
        _build.Dispose();
        _assured?.Dispose();
    }
}
