using System.Globalization;
using BestOfN.Voting.Metrics;
using BestOfN.Voting.Samples;

namespace BestOfN.Voting.Reporting;

/// <summary>
/// Computes every curve of a report from in-memory samples. Each curve point is the mean over problems of the
/// problem's expectation over uniformly random k-subsets of its samples (k capped at the problem's sample count).
/// </summary>
public static class VotingReport
{
    /// <summary>Evaluates one metric for one problem at distinct ascending subset sizes (each ≤ the sample count).</summary>
    private delegate void ProblemMetric(PreparedProblem problem, int[] ks, VotingOptions options, Span<Estimate> results);

    /// <summary>Which scores the whole input has.</summary>
    private readonly record struct ScoresPresent(bool Orm, bool Prm, bool Weights);

    private sealed record MetricStrategy(string Name, Func<ScoresPresent, bool> AppliesTo, ProblemMetric Evaluate);

    /// <summary>The dispatch table, in output order. A metric whose scores are absent from the data is left out.</summary>
    private static readonly MetricStrategy[] Strategies =
    [
        new(MetricNames.Pass, _ => true, PassCurve),
        new(MetricNames.Majority, _ => true, MajorityCurve),
        new(MetricNames.WeightedMajority, present => present.Weights, WeightedMajorityCurve),
        new(MetricNames.Orm, present => present.Orm, (p, ks, o, r) => RankedCurve(p.Orm!, p, ks, o, r)),
        .. PrmAggregations.All.Select(a => new MetricStrategy(
            a.MetricName(), present => present.Prm, (p, ks, o, r) => RankedCurve(p.PrmRankingKeys[(int)a]!, p, ks, o, r))),
        new(MetricNames.Random, _ => true, RandomLine),
    ];

    /// <summary>Separates the bootstrap's random stream from the per-problem Monte Carlo streams (ASCII "boot").</summary>
    private const long BootstrapStream = 0x626f6f74;

    /// <summary>Metric names this report can produce, in output order.</summary>
    public static IReadOnlyList<string> AllMetricNames { get; } = Strategies.Select(s => s.Name).ToArray();

    /// <summary>Evaluates and summarises: the whole report.</summary>
    /// <exception cref="ArgumentException">Invalid options (every error listed).</exception>
    /// <exception cref="SampleValidationException">Samples that cannot be voted on (every problem listed).</exception>
    public static ReportResult Compute(IReadOnlyList<ProblemSamples> problems, VotingOptions options) =>
        Summarize(Evaluate(problems, options), options);

    /// <summary>The expensive part: every metric at every k for every problem (single-threaded).</summary>
    public static ProblemCurves Evaluate(IReadOnlyList<ProblemSamples> problems, VotingOptions options)
    {
        options.ThrowIfInvalid();
        var errors = new List<string>();
        if (problems.Count == 0)
        {
            errors.Add("there are no problems");
        }
        foreach (var duplicate in problems.GroupBy(p => p.ProblemId).Where(g => g.Count() > 1))
        {
            errors.Add($"problem '{duplicate.Key}' appears {duplicate.Count()} times");
        }
        var fields = problems.SelectMany(p => p.Fields.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        var unknown = options.BreakdownFields.Where(f => !fields.Contains(f)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"no problem has the field{(unknown.Count > 1 ? "s" : "")} {string.Join(", ", unknown)} to break down by; the fields are: {(fields.Count == 0 ? "(none)" : string.Join(", ", fields))}.");
        }
        var notes = new List<string>();
        var offeredOrm = problems.Any(p => p.Samples.Any(s => s.OrmScore is not null));
        var offeredPrm = problems.Any(p => p.Samples.Any(s => s.PrmStepScores is not null));
        // A bad score column takes only its own rows out of the report: pass@k and majority never depend on it.
        var hasOrm = offeredOrm && Usable("ORM", ScoreErrors(problems, orm: true), notes);
        var hasPrm = offeredPrm && Usable("PRM", ScoreErrors(problems, orm: false), notes);
        var weightBy = options.WeightBy ?? (hasOrm ? RewardSource.Orm : hasPrm ? RewardSource.FromPrm(PrmAggregation.Min) : null);
        if (options.WeightBy is { } chosen && (chosen.IsOrm ? !hasOrm : !hasPrm))
        {
            if (chosen.IsOrm ? offeredOrm : offeredPrm)
            {
                notes.Add($"weighted majority left out: it weights by {chosen.Name}, whose scores were left out");
                weightBy = null;
            }
            else
            {
                errors.Add($"weighting by {chosen.Name} needs {(chosen.IsOrm ? "ORM scores" : "PRM step scores")}, and the samples have none");
            }
        }
        if (problems.Count == 0)
        {
            throw new SampleValidationException(errors);
        }

        // Problems are prepared and evaluated one at a time (memory stays at one problem's arrays). Every problem is
        // checked before an error is thrown; after a dataset-level error they are only checked.
        var evaluate = errors.Count == 0;
        var sampleCounts = problems.Select(p => p.Samples.Count).ToArray();
        var ks = ResolveKs(options.Ks, Math.Max(1, sampleCounts.Max()));
        var strategies = Strategies.Where(s => s.AppliesTo(new ScoresPresent(hasOrm, hasPrm, weightBy is not null))).ToArray();
        var values = new double[strategies.Length * ks.Length][];
        var variances = new double[]?[values.Length];
        for (var slot = 0; slot < values.Length; slot++) values[slot] = new double[problems.Count];

        var results = new Estimate[ks.Length];
        for (var i = 0; i < problems.Count; i++)
        {
            var problem = PreparedProblem.TryPrepare(problems[i], hasOrm, hasPrm, weightBy, errors);
            if (problem is null || !evaluate)
            {
                continue;
            }
            var effective = ks.Select(k => Math.Min(k, problem.SampleCount)).Distinct().ToArray();
            for (var m = 0; m < strategies.Length; m++)
            {
                strategies[m].Evaluate(problem, effective, options, results);
                for (var kIndex = 0; kIndex < ks.Length; kIndex++)
                {
                    var estimate = results[Array.IndexOf(effective, Math.Min(ks[kIndex], problem.SampleCount))];
                    var slot = m * ks.Length + kIndex;
                    values[slot][i] = estimate.Value;
                    if (estimate.Variance is { } variance)
                    {
                        if (variances[slot] is null)
                        {
                            variances[slot] = new double[problems.Count];
                            Array.Fill(variances[slot]!, double.NaN);
                        }
                        variances[slot]![i] = variance;
                    }
                }
            }
        }
        if (errors.Count > 0)
        {
            throw new SampleValidationException(errors);
        }
        return new ProblemCurves(
            problems.Select(p => p.ProblemId).ToArray(),
            problems.Select(p => p.Fields).ToArray(),
            sampleCounts,
            ks,
            strategies.Select(s => s.Name).ToArray(),
            values,
            variances,
            weightBy,
            problems.Select(p => p.SplitAnswerKeys).ToArray(),
            notes);
    }

    /// <summary>Means, Monte Carlo standard errors, bootstrap intervals, and the breakdowns.</summary>
    public static ReportResult Summarize(ProblemCurves curves, VotingOptions options)
    {
        options.ThrowIfInvalid();
        var all = Enumerable.Range(0, curves.ProblemCount).ToArray();
        var overall = Summarize(curves, options, all, null, null);
        var breakdowns = new List<CurveSet>();
        foreach (var field in options.BreakdownFields)
        {
            var groups = all
                .GroupBy(i => curves.Fields[i].TryGetValue(field, out var v) ? v : "(missing)")
                .OrderBy(g => g.Key, GroupOrder.Instance);
            foreach (var group in groups)
            {
                breakdowns.Add(Summarize(curves, options, group.ToArray(), field, group.Key));
            }
        }
        return new ReportResult(overall, breakdowns, curves.Ks, curves.MaxSamples, curves.WeightedBy, options.BootstrapResamples, options.ConfidenceLevel)
        {
            Notes = curves.Notes,
        };
    }

    /// <summary>Every sample's ORM score (or PRM step list) checked with <see cref="ScoreRules"/>, in input order.</summary>
    private static List<string> ScoreErrors(IReadOnlyList<ProblemSamples> problems, bool orm)
    {
        var errors = new List<string>();
        foreach (var problem in problems)
        {
            for (var i = 0; i < problem.Samples.Count; i++)
            {
                var sample = problem.Samples[i];
                var error = orm
                    ? sample.OrmScore is { } score ? ScoreRules.OrmProblem(score) : "no ORM score, while other samples have one"
                    : sample.PrmStepScores is { } steps ? ScoreRules.PrmProblem(steps) : "no PRM step scores, while other samples have them";
                if (error is not null) errors.Add($"problem '{problem.ProblemId}' sample {i}: {error}");
            }
        }
        return errors;
    }

    /// <summary>Whether a score kind is usable; when not, a note says why its rows are left out (the first few samples named).</summary>
    private static bool Usable(string kind, List<string> errors, List<string> notes)
    {
        if (errors.Count == 0) return true;
        const int shown = 3;
        var more = errors.Count > shown ? $" (and {errors.Count - shown} more)" : "";
        notes.Add($"{kind} rows left out: {errors.Count} sample{(errors.Count == 1 ? "" : "s")} without a usable {kind} score: {string.Join("; ", errors.Take(shown))}{more}");
        return false;
    }

    /// <summary>The default subset sizes: powers of two up to the largest sample count, then that count.</summary>
    public static int[] DefaultKs(int maxSamples)
    {
        var ks = new List<int>();
        for (var k = 1; k <= maxSamples; k *= 2) ks.Add(k);
        if (ks[^1] != maxSamples) ks.Add(maxSamples);
        return [.. ks];
    }

    private static int[] ResolveKs(IReadOnlyList<int>? requested, int maxSamples) =>
        requested is null ? DefaultKs(maxSamples) : requested.Distinct().Order().ToArray();

    private static CurveSet Summarize(ProblemCurves curves, VotingOptions options, int[] members, string? field, string? group)
    {
        var ks = curves.Ks;
        var columns = new List<double[]>();
        for (var m = 0; m < curves.Metrics.Count; m++)
        {
            for (var kIndex = 0; kIndex < ks.Count; kIndex++)
            {
                var source = curves.ValuesOf(m, kIndex);
                columns.Add(members.Select(i => source[i]).ToArray());
            }
        }
        var seed = FastRandom.Derive(options.Seed, BootstrapStream, field is null ? 0 : StableHash.Of(field + "\u0000" + group));
        var intervals = options.BootstrapResamples > 0
            ? Bootstrap.PercentileIntervals(columns, options.BootstrapResamples, options.ConfidenceLevel, seed)
            : null;

        var metricCurves = new List<MetricCurve>();
        for (var m = 0; m < curves.Metrics.Count; m++)
        {
            var points = new CurvePoint[ks.Count];
            for (var kIndex = 0; kIndex < ks.Count; kIndex++)
            {
                var column = columns[m * ks.Count + kIndex];
                var mean = column.Average();
                double? standardError = null;
                if (curves.VariancesOf(m, kIndex) is { } variances)
                {
                    var total = members.Sum(i => double.IsNaN(variances[i]) ? 0 : variances[i]);
                    standardError = Math.Sqrt(total) / members.Length;
                }
                var capped = members.Count(i => curves.SampleCounts[i] < ks[kIndex]);
                var interval = intervals?[m * ks.Count + kIndex];
                points[kIndex] = new CurvePoint(ks[kIndex], mean, interval?.Low, interval?.High, standardError, capped)
                {
                    MinKUsed = members.Min(i => Math.Min(ks[kIndex], curves.SampleCounts[i])),
                    MaxKUsed = members.Max(i => Math.Min(ks[kIndex], curves.SampleCounts[i])),
                };
            }
            metricCurves.Add(new MetricCurve(curves.Metrics[m], points));
        }
        return new CurveSet(field, group, members.Length, metricCurves)
        {
            SplitKeyProblems = members.Where(i => curves.SplitAnswerKeys[i] > 0).Select(i => curves.ProblemIds[i]).ToArray(),
            SplitAnswerKeys = members.Sum(i => curves.SplitAnswerKeys[i]),
        };
    }

    private static void PassCurve(PreparedProblem p, int[] ks, VotingOptions options, Span<Estimate> results)
    {
        for (var i = 0; i < ks.Length; i++)
        {
            results[i] = Estimate.Exact(PassAtK.Compute(p.SampleCount, p.CorrectCount, ks[i]));
        }
    }

    private static void RandomLine(PreparedProblem p, int[] ks, VotingOptions options, Span<Estimate> results)
    {
        var accuracy = (double)p.CorrectCount / p.SampleCount;
        for (var i = 0; i < ks.Length; i++) results[i] = Estimate.Exact(accuracy);
    }

    private static void RankedCurve(double[] rewards, PreparedProblem p, int[] ks, VotingOptions options, Span<Estimate> results)
    {
        if (options.Selection == RewardSelection.FirstN)
        {
            for (var i = 0; i < ks.Length; i++) results[i] = Estimate.Exact(FirstOfBest(rewards, p.Correct, ks[i]) ? 1 : 0);
            return;
        }
        Span<double> values = stackalloc double[ks.Length];
        new RankedSamples(rewards, p.Correct).Expected(ks, values);
        for (var i = 0; i < ks.Length; i++)
        {
            results[i] = Estimate.Exact(values[i]);
        }
    }

    /// <summary>RLHFlow's selection: the first sample with the highest reward among the first <paramref name="k"/>; is it correct?</summary>
    internal static bool FirstOfBest(double[] rewards, bool[] correct, int k)
    {
        var best = 0;
        for (var i = 1; i < k; i++)
        {
            if (rewards[i] > rewards[best]) best = i;
        }
        return correct[best];
    }

    private static void MajorityCurve(PreparedProblem p, int[] ks, VotingOptions options, Span<Estimate> results)
    {
        var sampled = new List<int>();
        for (var i = 0; i < ks.Length; i++)
        {
            if (MajorityVote.ExactCost(p.Clusters, ks[i], options.MajorityExactBudget) <= options.MajorityExactBudget || ks[i] == p.SampleCount)
            {
                results[i] = Estimate.Exact(MajorityVote.Exact(p.Clusters, ks[i]));
            }
            else
            {
                sampled.Add(i);
            }
        }
        if (sampled.Count > 0)
        {
            var random = new FastRandom(FastRandom.Derive(options.Seed, p.Seed, 1));
            var estimates = new Estimate[sampled.Count];
            MajorityVote.MonteCarlo(p.Clusters, sampled.Select(i => ks[i]).ToArray(), options.MonteCarloDraws, ref random, estimates);
            for (var j = 0; j < sampled.Count; j++) results[sampled[j]] = estimates[j];
        }
    }

    private static void WeightedMajorityCurve(PreparedProblem p, int[] ks, VotingOptions options, Span<Estimate> results)
    {
        var sampled = new List<int>();
        for (var i = 0; i < ks.Length; i++)
        {
            if (Binomial.Choose(p.SampleCount, ks[i]) <= options.WeightedMajorityEnumerationLimit || ks[i] == p.SampleCount)
            {
                results[i] = Estimate.Exact(WeightedMajorityVote.Enumerate(p.Clusters, p.Weights!, ks[i]));
            }
            else
            {
                sampled.Add(i);
            }
        }
        if (sampled.Count > 0)
        {
            var random = new FastRandom(FastRandom.Derive(options.Seed, p.Seed, 2));
            var estimates = new Estimate[sampled.Count];
            WeightedMajorityVote.MonteCarlo(p.Clusters, p.Weights!, sampled.Select(i => ks[i]).ToArray(), options.MonteCarloDraws, ref random, estimates);
            for (var j = 0; j < sampled.Count; j++) results[sampled[j]] = estimates[j];
        }
    }

    /// <summary>Numbers in numeric order (levels 1..5, "Level 2" sorts as text), then text in ordinal order.</summary>
    private sealed class GroupOrder : IComparer<string>
    {
        public static GroupOrder Instance { get; } = new();

        public int Compare(string? x, string? y)
        {
            var xNumber = double.TryParse(x, NumberStyles.Float, CultureInfo.InvariantCulture, out var a);
            var yNumber = double.TryParse(y, NumberStyles.Float, CultureInfo.InvariantCulture, out var b);
            if (xNumber && yNumber) return a.CompareTo(b);
            if (xNumber != yNumber) return xNumber ? -1 : 1;
            return string.CompareOrdinal(x, y);
        }
    }
}
