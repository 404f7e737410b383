namespace BestOfN.Verifier.Grading;

/// <summary>Thrown inside the engine when a comparison runs past its time budget; never escapes the public API.</summary>
internal sealed class GradingTimeoutException() : Exception("The comparison ran past its time budget.");

/// <summary>Thrown inside the engine for input it will not parse; never escapes the public API.</summary>
internal sealed class AnswerParseException(string message) : Exception(message);

/// <summary>A deadline checked every few hundred steps. One per comparison; not shared between threads.</summary>
internal sealed class GradingBudget
{
    private readonly TimeProvider _time;
    private readonly long _deadline;
    private int _ticks;

    public GradingBudget(TimeProvider time, TimeSpan budget)
    {
        _time = time;
        var ticks = (long)(budget.TotalSeconds * time.TimestampFrequency);
        _deadline = time.GetTimestamp() + Math.Max(1, ticks);
    }

    public void Tick()
    {
        if ((++_ticks & 127) == 0)
        {
            CheckNow();
        }
    }

    public void CheckNow()
    {
        if (_time.GetTimestamp() > _deadline)
        {
            throw new GradingTimeoutException();
        }
    }
}
