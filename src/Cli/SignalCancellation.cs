using System.Runtime.InteropServices;

namespace BestOfN.Cli;

/// <summary>
/// Ctrl-C and SIGTERM: the first signal cancels the running command, which drops the wave or batch in flight, closes the store and
/// says how to resume; a second signal ends the process at once.
/// </summary>
internal sealed class SignalCancellation : IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _signals;

    public SignalCancellation(TextWriter error) =>
        _registrations = [.. new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM }.Select(signal => PosixSignalRegistration.Create(signal, context =>
        {
            if (Interlocked.Increment(ref _signals) > 1) return; // not cancelled: the runtime ends the process now
            context.Cancel = true;
            error.WriteLine("stopping: finishing or dropping the work in flight and closing the store (signal again to stop at once)");
            _cancellation.Cancel();
        }))];

    public CancellationToken Token => _cancellation.Token;

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _cancellation.Dispose();
    }
}
