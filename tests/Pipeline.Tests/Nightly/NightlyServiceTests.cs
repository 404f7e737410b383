using System.Globalization;
using System.Threading.Channels;
using BestOfN.Pipeline.Nightly;
using BestOfN.Store;
using Cronos;

namespace BestOfN.Pipeline.Tests.Nightly;

public class NightlyServiceTests
{
    private static NightlyConfig Config(string cron = "0 2 * * *", string zone = "Europe/London")
    {
        var folder = Directory.CreateTempSubdirectory("bestofn-nightly-service").FullName;
        return new NightlyConfig(Path.Combine(folder, "nightly.yaml"), CronExpression.Parse(cron), TimeZoneInfo.FindSystemTimeZoneById(zone), Path.Combine(folder, "nightly.db"),
            Path.Combine(folder, "out"), [], null, null, [], NightlyDefaults.MaxAttempts, null);
    }

    private static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    /// <summary>A service whose runs record the clock's time and say they completed.</summary>
    private static (NightlyService Service, ChannelReader<DateTimeOffset> Runs) Service(NightlyConfig config, ManualTimeProvider clock)
    {
        var runs = Channel.CreateUnbounded<DateTimeOffset>();
        var service = new NightlyService(config, clock, _ =>
        {
            runs.Writer.TryWrite(clock.GetUtcNow());
            return Task.FromResult(true);
        });
        return (service, runs.Reader);
    }

    private static void SetLastFire(NightlyConfig config, DateTimeOffset time)
    {
        using var store = RunStore.Open(config.StorePath);
        store.SetNightlyState(NightlyService.LastFireKey, time.ToString("O", CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task The_schedule_fires_at_the_cron_times_in_its_time_zone()
    {
        var config = Config();
        var clock = new ManualTimeProvider(Utc("2026-06-01T00:00:00Z"));
        var (service, runs) = Service(config, clock);

        await service.StartAsync(CancellationToken.None);
        await clock.NextTimer();
        clock.SetTo(Utc("2026-06-01T00:59:59Z")); // 01:59:59 in London (BST): not yet
        Assert.False(runs.TryRead(out _));
        clock.SetTo(Utc("2026-06-01T01:00:00Z"));
        var first = await runs.ReadAsync();
        await clock.NextTimer();
        clock.SetTo(Utc("2026-06-02T01:00:00Z"));
        var second = await runs.ReadAsync();
        await clock.NextTimer();
        await service.StopAsync(CancellationToken.None);

        Assert.Equal([Utc("2026-06-01T01:00:00Z"), Utc("2026-06-02T01:00:00Z")], [first, second]);
        Assert.Equal([Utc("2026-06-01T01:00:00Z"), Utc("2026-06-02T01:00:00Z")], service.Fired);
        Assert.False(runs.TryRead(out _));
    }

    [Fact]
    public async Task Missed_runs_catch_up_once_then_the_schedule_goes_on()
    {
        var config = Config(zone: "UTC");
        SetLastFire(config, Utc("2026-06-01T02:00:00Z"));
        var clock = new ManualTimeProvider(Utc("2026-06-05T12:00:00Z")); // off for the nights of the 2nd, 3rd, 4th and 5th
        var (service, runs) = Service(config, clock);

        await service.StartAsync(CancellationToken.None);
        var caughtUp = await runs.ReadAsync();
        await clock.NextTimer();
        Assert.False(runs.TryRead(out _)); // once, not once per missed night
        clock.SetTo(Utc("2026-06-06T02:00:00Z"));
        var next = await runs.ReadAsync();
        await clock.NextTimer();
        await service.StopAsync(CancellationToken.None);

        Assert.Equal(Utc("2026-06-05T12:00:00Z"), caughtUp);
        Assert.Equal(Utc("2026-06-06T02:00:00Z"), next);
        using var store = RunStore.OpenReadOnly(config.StorePath);
        Assert.Equal("2026-06-06T02:00:00.0000000+00:00", store.NightlyState(NightlyService.LastFireKey));
    }

    [Fact]
    public async Task A_first_start_waits_for_the_schedule_and_a_start_before_the_next_fire_runs_nothing()
    {
        var config = Config(zone: "UTC");
        var clock = new ManualTimeProvider(Utc("2026-06-05T12:00:00Z"));
        var (service, runs) = Service(config, clock);

        await service.StartAsync(CancellationToken.None);
        await clock.NextTimer();
        await service.StopAsync(CancellationToken.None);
        var (restarted, runsAfterRestart) = Service(config, clock);
        await restarted.StartAsync(CancellationToken.None);
        await clock.NextTimer();
        await restarted.StopAsync(CancellationToken.None);

        Assert.False(runs.TryRead(out _));
        Assert.False(runsAfterRestart.TryRead(out _));
    }

    [Fact]
    public async Task An_interrupted_run_is_not_recorded_as_done_so_the_next_start_catches_it_up()
    {
        var config = Config(zone: "UTC");
        SetLastFire(config, Utc("2026-06-01T02:00:00Z"));
        var clock = new ManualTimeProvider(Utc("2026-06-02T03:00:00Z"));
        var service = new NightlyService(config, clock, _ => Task.FromResult(false));

        await service.StartAsync(CancellationToken.None);
        await service.ExecuteTask!;

        Assert.Single(service.Fired);
        using var store = RunStore.OpenReadOnly(config.StorePath);
        Assert.Equal("2026-06-01T02:00:00.0000000+00:00", store.NightlyState(NightlyService.LastFireKey));
        Assert.True(new NightlySchedule(config.Schedule, config.TimeZone).Missed(Utc("2026-06-01T02:00:00Z"), clock.GetUtcNow()));
    }
}
