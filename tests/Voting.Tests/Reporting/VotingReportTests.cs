using BestOfN.Voting.Metrics;
using BestOfN.Voting.Reporting;
using BestOfN.Voting.Samples;
using BestOfN.Voting.Synthetic;
using static BestOfN.Voting.Tests.Fixture;

namespace BestOfN.Voting.Tests.Reporting;

public class VotingReportTests
{
    private static readonly VotingOptions NoBootstrap = new() { BootstrapResamples = 0 };

    private static double ValueAt(ReportResult result, string metric, int k) => result.Overall[metric]!.At(k)!.Value;

    [Fact]
    public void Fixture_values_match_the_hand_computation()
    {
        var result = VotingReport.Compute(TwoProblems(), NoBootstrap);
        Assert.Equal([1, 2, 4], result.Ks);
        Assert.Equal(0.375, ValueAt(result, "pass", 1), 1e-15);
        // p1: 3 of C(4,2) = 6 pairs hold a correct sample... plus the two-correct pair: 5/6; p2: 3/6.
        Assert.Equal((5.0 / 6 + 3.0 / 6) / 2, ValueAt(result, "pass", 2), 1e-15);
        // maj@2: p1 = (1 + 0 + 4 ties x 1/2) / 6 = 1/2; p2 = ({5,7} x2 at 1/2, {7,none} = 1) / 6 = 1/3.
        Assert.Equal((0.5 + 1.0 / 3) / 2, ValueAt(result, "maj", 2), 1e-15);
        // maj@4: p1 ties 2-2 (1/2), p2: 5 wins (0).
        Assert.Equal(0.25, ValueAt(result, "maj", 4), 1e-15);
        // orm@2: the r-th lowest of 4 is the max of a pair with probability (r-1)/6.
        // p1: the correct ones rank 1 and 4: 3/6; p2: the correct one ranks 2: 1/6.
        Assert.Equal((0.5 + 1.0 / 6) / 2, ValueAt(result, "orm", 2), 1e-15);
        Assert.Equal(0.5, ValueAt(result, "orm", 4), 1e-15);
        // prm_min@4: p1 top min 0.8 (correct), p2 top min 0.9 (correct).
        Assert.Equal(1.0, ValueAt(result, "prm_min", 4), 1e-15);
        // prm_last@4: p1 lasts 0.8, 0.6, 0.9, 0.3: 0.9 is wrong; p2 same as min.
        Assert.Equal(0.5, ValueAt(result, "prm_last", 4), 1e-15);
        // weighted by ORM at 4: p1 "2" 1.3 beats "3" 1.1; p2 "5" 1.5 beats "7" 0.3.
        Assert.Equal(RewardSource.Orm, result.WeightedBy);
        Assert.Equal(0.5, ValueAt(result, "weighted_maj", 4), 1e-15);
        Assert.Equal(0.375, ValueAt(result, "random", 4), 1e-15);
    }

    [Fact]
    public void Curves_come_in_the_documented_order_and_names()
    {
        var result = VotingReport.Compute(TwoProblems(), NoBootstrap);
        Assert.Equal(
            ["pass", "maj", "weighted_maj", "orm", "prm_min", "prm_last", "prm_prod", "prm_mean", "prm_geomean", "random"],
            result.Overall.Curves.Select(c => c.Metric));
    }

    [Fact]
    public void Exact_values_have_no_standard_error()
    {
        var result = VotingReport.Compute(TwoProblems(), NoBootstrap);
        Assert.All(result.Overall.Curves.SelectMany(c => c.Points), p => Assert.Null(p.StandardError));
        Assert.All(result.Overall.Curves.SelectMany(c => c.Points), p => Assert.Null(p.CiLow));
    }

    [Fact]
    public void A_metric_whose_scores_are_absent_is_left_out_and_weighting_falls_back_to_prm_min()
    {
        var problems = TwoProblems().Select(p => p with { Samples = p.Samples.Select(s => s with { OrmScore = null }).ToArray() }).ToList();
        var result = VotingReport.Compute(problems, NoBootstrap);
        Assert.Null(result.Overall["orm"]);
        Assert.Equal(RewardSource.FromPrm(PrmAggregation.Min), result.WeightedBy);
        // p1 "2" mins 0.8+0.6 = 1.4 vs "3" 0.5+0.3 = 0.8; p2 "5" 0.6+0.2 = 0.8 vs "7" 0.9.
        Assert.Equal(1.0, ValueAt(result, "weighted_maj", 4), 1e-15);
    }

    [Fact]
    public void Without_any_reward_there_is_no_weighted_majority()
    {
        var problems = TwoProblems().Select(p => p with { Samples = p.Samples.Select(s => s with { OrmScore = null, PrmStepScores = null }).ToArray() }).ToList();
        var result = VotingReport.Compute(problems, NoBootstrap);
        Assert.Equal(["pass", "maj", "random"], result.Overall.Curves.Select(c => c.Metric));
        Assert.Null(result.WeightedBy);
    }

    [Fact]
    public void A_sample_missing_its_score_leaves_that_scores_rows_out_with_a_note_never_a_zero()
    {
        var problems = TwoProblems().ToList();
        problems[1] = problems[1] with { Samples = [.. problems[1].Samples.Take(3), problems[1].Samples[3] with { OrmScore = null, PrmStepScores = [] }] };
        var result = VotingReport.Compute(problems, NoBootstrap);
        Assert.Equal(["pass", "maj", "random"], result.Overall.Curves.Select(c => c.Metric));
        Assert.Equal(
            [
                "ORM rows left out: 1 sample without a usable ORM score: problem 'p2' sample 3: no ORM score, while other samples have one",
                "PRM rows left out: 1 sample without a usable PRM score: problem 'p2' sample 3: the PRM step score list is empty",
            ],
            result.Notes);
        // The rows that never read a score are unchanged.
        Assert.Equal(ValueAt(VotingReport.Compute(TwoProblems(), NoBootstrap), "maj", 4), ValueAt(result, "maj", 4));
    }

    [Theory]
    [InlineData(-1.5)]
    [InlineData(2.3)]
    [InlineData(double.NaN)]
    public void Logits_as_prm_step_scores_leave_the_prm_rows_out_and_keep_pass_and_majority(double logit)
    {
        var problems = TwoProblems().ToList();
        problems[0] = problems[0] with { Samples = [problems[0].Samples[0] with { PrmStepScores = [0.5, logit] }, .. problems[0].Samples.Skip(1)] };
        var result = VotingReport.Compute(problems, NoBootstrap);
        Assert.Equal(["pass", "maj", "weighted_maj", "orm", "random"], result.Overall.Curves.Select(c => c.Metric));
        var note = Assert.Single(result.Notes);
        Assert.StartsWith("PRM rows left out: 1 sample without a usable PRM score: problem 'p1' sample 0: PRM step 2 is ", note);
        Assert.Contains("not a probability in [0, 1]", note);
        var table = MarkdownTable.ToMarkdown([new("x", result)]);
        Assert.Contains("| Pass@1 | 37.5 |", table);
        Assert.Contains("| PRM@4 (min) | n/a |", table);
        Assert.Contains("Note: x: PRM rows left out", table);
    }

    [Fact]
    public void Weighting_by_a_score_that_was_left_out_leaves_weighted_majority_out_with_a_note()
    {
        var problems = TwoProblems().ToList();
        problems[0] = problems[0] with { Samples = [problems[0].Samples[0] with { OrmScore = double.PositiveInfinity }, .. problems[0].Samples.Skip(1)] };
        var result = VotingReport.Compute(problems, NoBootstrap with { WeightBy = RewardSource.Orm });
        Assert.DoesNotContain(result.Overall.Curves, c => c.Metric is "orm" or "weighted_maj");
        Assert.Contains("weighted majority left out: it weights by orm, whose scores were left out", result.Notes);
    }

    [Fact]
    public void Weighting_by_a_reward_the_samples_lack_is_an_error()
    {
        var problems = TwoProblems().Select(p => p with { Samples = p.Samples.Select(s => s with { OrmScore = null }).ToArray() }).ToList();
        problems[0] = problems[0] with { Samples = [] };
        var error = Assert.Throws<SampleValidationException>(() => VotingReport.Compute(problems, NoBootstrap with { WeightBy = RewardSource.Orm }));
        Assert.Contains("weighting by orm needs ORM scores", error.Message);
        Assert.Contains("problem 'p1' has no samples", error.Message);
    }

    [Fact]
    public void Weighting_by_prm_without_prm_scores_is_an_error()
    {
        var problems = TwoProblems().Select(p => p with { Samples = p.Samples.Select(s => s with { PrmStepScores = null }).ToArray() }).ToList();
        var error = Assert.Throws<SampleValidationException>(() => VotingReport.Compute(problems, NoBootstrap with { WeightBy = RewardSource.FromPrm(PrmAggregation.Mean) }));
        Assert.Contains("weighting by prm_mean needs PRM step scores", error.Message);
    }

    [Fact]
    public void Weighting_by_a_chosen_prm_aggregation_uses_it()
    {
        var result = VotingReport.Compute(TwoProblems(), NoBootstrap with { WeightBy = RewardSource.FromPrm(PrmAggregation.Last) });
        // p1: "2" 0.8+0.6 = 1.4 vs "3" 0.9+0.3 = 1.2; p2: "5" 0.6+0.2 = 0.8 vs "7" 0.9.
        Assert.Equal(1.0, ValueAt(result, "weighted_maj", 4), 1e-15);
    }

    [Fact]
    public void Problems_with_fewer_samples_than_k_use_all_their_samples_and_are_counted()
    {
        var problems = new[]
        {
            Problem("small", Sample("a", true), Sample("b", false)),
            Problem("large", Sample("a", true), Sample("b", false), Sample("b", false), Sample("c", false)),
        };
        var result = VotingReport.Compute(problems, NoBootstrap);
        Assert.Equal([1, 2, 4], result.Ks);
        var pass4 = result.Overall["pass"]!.At(4)!;
        // small is capped at k = 2 (pass 1), large has pass@4 = 1.
        Assert.Equal(1.0, pass4.Value, 1e-15);
        Assert.Equal(1, pass4.CappedProblems);
        Assert.Equal(0, result.Overall["pass"]!.At(2)!.CappedProblems);
        // maj@4: small ties 1-1 at its cap (1/2); large: b wins (0).
        Assert.Equal(0.25, ValueAt(result, "maj", 4), 1e-15);
    }

    [Fact]
    public void Requested_ks_are_sorted_and_deduplicated_and_may_exceed_every_sample_count()
    {
        var result = VotingReport.Compute(TwoProblems(), NoBootstrap with { Ks = [8, 2, 2] });
        Assert.Equal([2, 8], result.Ks);
        Assert.Equal(2, result.Overall["pass"]!.At(8)!.CappedProblems);
        Assert.Equal(ValueAt(VotingReport.Compute(TwoProblems(), NoBootstrap), "maj", 4), ValueAt(result, "maj", 8), 1e-15);
    }

    [Fact]
    public void Default_ks_are_powers_of_two_then_n()
    {
        Assert.Equal([1, 2, 4, 8, 10], VotingReport.DefaultKs(10));
        Assert.Equal([1, 2, 4, 8], VotingReport.DefaultKs(8));
        Assert.Equal([1], VotingReport.DefaultKs(1));
    }

    [Fact]
    public void Breakdown_by_a_field_gives_each_group_its_own_problems()
    {
        var result = VotingReport.Compute(TwoProblems(), NoBootstrap with { BreakdownFields = ["level", "subject"] });
        Assert.Equal(["level=1", "level=2", "subject=Algebra", "subject=Geometry"], result.Breakdowns.Select(b => $"{b.Field}={b.Group}"));
        var level2 = result.Breakdowns[1];
        Assert.Equal(1, level2.ProblemCount);
        Assert.Equal(0.25, level2["pass"]!.At(1)!.Value, 1e-15);
        Assert.Equal(0.0, level2["maj"]!.At(4)!.Value, 1e-15);
    }

    [Fact]
    public void Problems_without_the_breakdown_field_form_a_missing_group()
    {
        var problems = TwoProblems().ToList();
        problems[0] = problems[0] with { Fields = new Dictionary<string, string>() };
        var result = VotingReport.Compute(problems, NoBootstrap with { BreakdownFields = ["level"] });
        Assert.Equal(["2", "(missing)"], result.Breakdowns.Select(b => b.Group));
    }

    [Fact]
    public void A_breakdown_field_no_problem_has_is_an_error_listing_the_fields_there_are()
    {
        var problems = TwoProblems().ToList();
        var e = Assert.Throws<ArgumentException>(() => VotingReport.Compute(problems, NoBootstrap with { BreakdownFields = ["levle"] }));
        Assert.Contains("levle", e.Message);
        Assert.Contains("the fields are: " + string.Join(", ", problems.SelectMany(p => p.Fields.Keys).Distinct().Order(StringComparer.Ordinal)), e.Message);
        Assert.Contains("level", e.Message);
    }

    [Fact]
    public void Bootstrap_intervals_bracket_the_value_and_repeat_for_a_seed()
    {
        var problems = SyntheticSamples.Generate(60, 16, seed: 3);
        var options = new VotingOptions { BootstrapResamples = 300, Seed = 11 };
        var first = VotingReport.Compute(problems, options);
        var again = VotingReport.Compute(problems, options);
        foreach (var point in first.Overall.Curves.SelectMany(c => c.Points))
        {
            Assert.NotNull(point.CiLow);
            Assert.InRange(point.Value, point.CiLow!.Value - 1e-12, point.CiHigh!.Value + 1e-12);
        }
        var pass1 = first.Overall["pass"]!.At(1)!;
        Assert.True(pass1.CiHigh > pass1.CiLow);
        Assert.Equal(first.Overall.Curves.SelectMany(c => c.Points), again.Overall.Curves.SelectMany(c => c.Points));
    }

    [Fact]
    public void Monte_carlo_points_report_a_standard_error_and_exact_ones_do_not()
    {
        var problems = SyntheticSamples.Generate(20, 64, seed: 4);
        var result = VotingReport.Compute(problems, NoBootstrap with { MajorityExactBudget = 0, WeightedMajorityEnumerationLimit = 0, MonteCarloDraws = 50 });
        Assert.NotNull(result.Overall["maj"]!.At(8)!.StandardError);
        Assert.NotNull(result.Overall["weighted_maj"]!.At(8)!.StandardError);
        // k = n is a single subset: always exact.
        Assert.Null(result.Overall["maj"]!.At(64)!.StandardError);
        Assert.Null(result.Overall["orm"]!.At(8)!.StandardError);
    }

    [Fact]
    public void Monte_carlo_and_exact_majority_agree_within_four_standard_errors_on_a_dataset()
    {
        var problems = SyntheticSamples.Generate(30, 12, seed: 5);
        var exact = VotingReport.Compute(problems, NoBootstrap with { Ks = [3, 6] });
        var sampled = VotingReport.Compute(problems, NoBootstrap with { Ks = [3, 6], MajorityExactBudget = 0, WeightedMajorityEnumerationLimit = 0, MonteCarloDraws = 400 });
        foreach (var metric in new[] { "maj", "weighted_maj" })
        {
            foreach (var k in new[] { 3, 6 })
            {
                var truth = exact.Overall[metric]!.At(k)!;
                var estimate = sampled.Overall[metric]!.At(k)!;
                Assert.Null(truth.StandardError);
                Assert.InRange(estimate.Value, truth.Value - 4 * estimate.StandardError!.Value, truth.Value + 4 * estimate.StandardError.Value);
            }
        }
    }

    [Fact]
    public void Monte_carlo_values_do_not_depend_on_problem_order()
    {
        var problems = SyntheticSamples.Generate(10, 40, seed: 6);
        var options = NoBootstrap with { Ks = [16], MajorityExactBudget = 0 };
        var forward = VotingReport.Evaluate(problems, options);
        var backward = VotingReport.Evaluate(problems.Reverse().ToList(), options);
        var maj = forward.Metrics.ToList().IndexOf("maj");
        for (var i = 0; i < problems.Count; i++)
        {
            Assert.Equal(forward.Value(maj, 0, i), backward.Value(maj, 0, problems.Count - 1 - i));
        }
    }

    [Fact]
    public void Invalid_options_and_empty_input_are_errors()
    {
        Assert.Throws<ArgumentException>(() => VotingReport.Compute(TwoProblems(), new VotingOptions { MonteCarloDraws = 0 }));
        Assert.Throws<SampleValidationException>(() => VotingReport.Compute([], NoBootstrap));
        var error = Assert.Throws<SampleValidationException>(() => VotingReport.Compute([Problem("empty"), Problem("mixed", Sample("1", true), Sample("1", false))], NoBootstrap));
        Assert.Contains("problem 'empty' has no samples", error.Message);
        Assert.Contains("problem 'mixed'", error.Message);
    }

    [Fact]
    public void Per_problem_values_are_exposed_for_integration()
    {
        var curves = VotingReport.Evaluate(TwoProblems(), NoBootstrap);
        Assert.Equal(["p1", "p2"], curves.ProblemIds);
        var maj = curves.Metrics.ToList().IndexOf("maj");
        Assert.Equal(0.5, curves.Value(maj, 2, 0), 1e-15);
        Assert.Equal(0.0, curves.Value(maj, 2, 1), 1e-15);
        Assert.Null(curves.Variance(maj, 2, 0));
    }
}
