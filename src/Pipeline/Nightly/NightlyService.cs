using System.Globalization;
using BestOfN.Store;
using Microsoft.Extensions.Hosting;

namespace BestOfN.Pipeline.Nightly;

/// <summary>
/// The scheduled nightly service: waits for each cron time on the injected clock and runs <paramref name="runOnce"/> (in the host,
/// <see cref="RunNightly.Run"/>, the code path of <c>--once</c>). A fire missed while it was not running (the machine was off) is
/// caught up once at start. The last completed fire is kept in the store, so an interrupted run is caught up on the next start.
/// </summary>
/// <param name="runOnce">One nightly run; returns false when it was interrupted (its fire is then not recorded as done).</param>
public sealed class NightlyService(NightlyConfig config, TimeProvider clock, Func<CancellationToken, Task<bool>> runOnce) : BackgroundService
{
    /// <summary>The key in <c>nightly_state</c> of the last fire that ran to the end.</summary>
    public const string LastFireKey = "last_fire";

    private readonly NightlySchedule _schedule = new(config.Schedule, config.TimeZone);

    /// <summary>Fires so far in this process (catch-up included), as the schedule named them.</summary>
    public List<DateTimeOffset> Fired { get; } = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var now = clock.GetUtcNow();
        var last = LastFire();
        if (last is null) SetLastFire(now); // a first start waits for the schedule: it does not run what it never missed
        else if (_schedule.Missed(last, now) && !await Fire(now, stoppingToken)) return;

        while (!stoppingToken.IsCancellationRequested)
        {
            var next = _schedule.NextAfter(clock.GetUtcNow());
            if (next is null) return;
            var wait = next.Value - clock.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, clock, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            if (!await Fire(next.Value, stoppingToken)) return;
        }
    }

    private async Task<bool> Fire(DateTimeOffset time, CancellationToken stoppingToken)
    {
        Fired.Add(time);
        var completed = await runOnce(stoppingToken);
        if (completed) SetLastFire(time);
        return completed;
    }

    private DateTimeOffset? LastFire()
    {
        using var store = RunStore.Open(config.StorePath);
        return store.NightlyState(LastFireKey) is { } text ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind) : null;
    }

    private void SetLastFire(DateTimeOffset time)
    {
        using var store = RunStore.Open(config.StorePath);
        store.SetNightlyState(LastFireKey, time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
    }
}
