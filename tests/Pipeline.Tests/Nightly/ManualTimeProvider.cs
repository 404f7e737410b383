namespace BestOfN.Pipeline.Tests.Nightly;

/// <summary>
/// A clock that moves only when a test says so: timers (and so <c>Task.Delay(…, provider)</c>) fire when <see cref="SetTo"/> passes
/// their due time. <see cref="NextTimer"/> lets a test wait until the code under test has started waiting.
/// </summary>
public sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private readonly SemaphoreSlim _created = new(0);
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate) return _now;
    }

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        _created.Release();
        return timer;
    }

    /// <summary>Waits until the code under test creates its next timer (the safety limit only keeps a broken test from hanging).</summary>
    public async Task NextTimer()
    {
        if (!await _created.WaitAsync(TimeSpan.FromMinutes(2))) throw new TimeoutException("the code under test never started waiting on the clock");
    }

    /// <summary>Moves the clock to <paramref name="time"/> and fires every timer due by then.</summary>
    public void SetTo(DateTimeOffset time)
    {
        List<ManualTimer> due;
        lock (_gate)
        {
            _now = time;
            due = _timers.Where(t => t.Due <= time).ToList();
            foreach (var t in due) _timers.Remove(t);
        }
        foreach (var t in due) t.Fire();
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset Due { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._gate)
            {
                owner._timers.Remove(this);
                if (dueTime == Timeout.InfiniteTimeSpan) return true;
                Due = owner._now + dueTime;
                owner._timers.Add(this);
            }
            if (dueTime == TimeSpan.Zero) owner.SetTo(owner.GetUtcNow());
            return true;
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (owner._gate) owner._timers.Remove(this);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
