using Cronos;

namespace BestOfN.Pipeline.Nightly;

/// <summary>When the nightly service fires: a cron expression read in a time zone (daylight-saving changes included, as Cronos reads them).</summary>
public sealed record NightlySchedule(CronExpression Cron, TimeZoneInfo TimeZone)
{
    /// <summary>The first fire strictly after <paramref name="time"/>; null when the expression never fires again.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset time) => Cron.GetNextOccurrence(time, TimeZone);

    /// <summary>
    /// Whether at least one fire fell between the last fire and now (the machine was off or the service stopped). However many were
    /// missed, the service catches up once.
    /// </summary>
    public bool Missed(DateTimeOffset? lastFire, DateTimeOffset now) => lastFire is { } last && NextAfter(last) is { } next && next <= now;
}
