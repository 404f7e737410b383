using System.Collections.Concurrent;
using BestOfN.Verifier.Grading;
using BestOfN.Verifier.Tests.Grading.Equivalence;

namespace BestOfN.Verifier.Tests.Grading;

public sealed class AnswerGraderTests
{
    [Fact]
    public void Grade_extracts_compares_and_keys_the_answer()
    {
        var grader = new AnswerGrader();

        var graded = grader.Grade(@"Adding up, the total is $\boxed{\dfrac{2}{4}}$.", "0.5");

        Assert.Equal(@"\dfrac{2}{4}", graded.ExtractedAnswer);
        Assert.Equal("boxed", graded.Rule);
        Assert.Equal(Verdict.Equal, graded.Verdict);
        Assert.Equal("1/2", graded.Key);
    }

    [Fact]
    public void Grade_reports_a_solution_without_an_answer_as_unparseable()
    {
        var graded = new AnswerGrader(GraderOptions.Default with { Extraction = ExtractionOptions.MathStrict }).Grade("I give up.", "3");

        Assert.Null(graded.ExtractedAnswer);
        Assert.Equal("none", graded.Rule);
        Assert.Equal(Verdict.Unparseable, graded.Verdict);
        Assert.Null(graded.Key);
    }

    [Fact]
    public void Grade_of_a_wrong_answer_is_not_equal_with_a_reason()
    {
        var graded = new AnswerGrader().Grade("#### 17", "18");
        Assert.Equal(("17", "gsm8k_hash", Verdict.NotEqual), (graded.ExtractedAnswer, graded.Rule, graded.Verdict));
        Assert.Contains("17", graded.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Grading_in_parallel_on_one_grader_gives_the_verdicts_of_grading_one_at_a_time()
    {
        var cases = MathEquivalenceTests.Cases.Where(c => c.Options == MathEquivalenceTests.Lenient.None).ToArray();
        var sequential = cases.Select(c => MathEquivalence.Compare(c.Prediction, c.Gold, GraderOptions.Default).Verdict).ToArray();

        var shared = new AnswerGrader(GraderOptions.Default with { CacheCapacity = 64 });
        var parallel = new ConcurrentDictionary<int, Verdict>();
        Parallel.For(0, cases.Length * 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var index = (i * 7919) % cases.Length;
            var verdict = shared.Compare(cases[index].Prediction, cases[index].Gold).Verdict;
            parallel.AddOrUpdate(index, verdict, (_, previous) => previous == verdict ? verdict : (Verdict)(-1));
        });

        for (var k = 0; k < cases.Length; k++)
        {
            Assert.True(sequential[k] == parallel[k], $"{cases[k]}: sequential {sequential[k]}, parallel {parallel[k]}");
        }
    }

    [Fact]
    public void A_comparison_past_its_time_budget_returns_timed_out_instead_of_hanging()
    {
        var clock = new SteppingTimeProvider(TimeSpan.FromSeconds(1));
        var grader = new AnswerGrader(GraderOptions.Default with { TimeBudget = TimeSpan.FromMilliseconds(5), CacheCapacity = 0 }, clock);
        var tower = string.Concat(Enumerable.Repeat(@"\frac{1}{1+", 30)) + "1" + new string('}', 30);

        var result = grader.Compare(tower, "0.618");

        Assert.Equal(Verdict.TimedOut, result.Verdict);
        Assert.Contains("time budget", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Timed_out_verdicts_are_not_cached()
    {
        var clock = new SteppingTimeProvider(TimeSpan.FromSeconds(1));
        var options = GraderOptions.Default with { TimeBudget = TimeSpan.FromMilliseconds(5) };
        var grader = new AnswerGrader(options, clock);
        var tower = string.Concat(Enumerable.Repeat(@"\frac{1}{1+", 30)) + "1" + new string('}', 30);

        Assert.Equal(Verdict.TimedOut, grader.Compare(tower, "2").Verdict);
        clock.Step = TimeSpan.Zero;
        Assert.Equal(Verdict.NotEqual, grader.Compare(tower, "2").Verdict);
    }

    [Fact]
    public void The_cache_is_bounded_and_does_not_change_verdicts()
    {
        var grader = new AnswerGrader(GraderOptions.Default with { CacheCapacity = 3 });
        for (var n = 0; n < 50; n++)
        {
            Assert.Equal(Verdict.Equal, grader.Compare($@"\frac{{{2 * n}}}{{2}}", n.ToString(System.Globalization.CultureInfo.InvariantCulture)).Verdict);
            Assert.Equal(Verdict.NotEqual, grader.Compare($"{n}", $"{n + 1}").Verdict);
        }
    }

    /// <summary>A clock that moves forward by <see cref="Step"/> each time it is read.</summary>
    private sealed class SteppingTimeProvider(TimeSpan step) : TimeProvider
    {
        private long _now;

        public TimeSpan Step { get; set; } = step;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Add(ref _now, Step.Ticks);
    }
}
