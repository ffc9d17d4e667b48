namespace Nexplane.Upgrade.Compose;

/// <summary>
/// Calls back on the reporting thread. <see cref="Progress{T}"/> posts callbacks that may run after the call that
/// reported them has returned, which loses order and counts.
/// </summary>
public sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
