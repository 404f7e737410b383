using System.CommandLine;
using System.Diagnostics;
using BestOfN.Cli.Printing;
using BestOfN.Voting.Reporting;
using BestOfN.Voting.Synthetic;

namespace BestOfN.Cli.Commands;

internal static class BenchVotingCommand
{
    public static Command Create()
    {
        var problems = new Option<int>("--problems") { Description = "Synthetic problems", DefaultValueFactory = _ => 1319 };
        var samples = new Option<int>("--samples") { Description = "Samples per problem", DefaultValueFactory = _ => 1024 };
        var bootstrap = new Option<int>("--bootstrap") { Description = "Bootstrap resamples", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the synthetic input and the estimates", DefaultValueFactory = _ => 0 };
        var repeat = new Option<int>("--repeat") { Description = "Timed runs of each phase; the median is printed", DefaultValueFactory = _ => 3 };
        var monteCarloDraws = new Option<int>("--mc-draws")
        {
            Description = "Random subsets per problem and k where an estimate is Monte Carlo",
            DefaultValueFactory = _ => VotingDefaults.MonteCarloDraws,
        };
        var json = BenchFigures.JsonOption();
        var command = new Command("voting", "Time every voting curve (k = 1…N, powers of two) and the bootstrap on a synthetic input")
        {
            problems, samples, bootstrap, seed, monteCarloDraws, repeat, json,
        };
        command.SetAction((parseResult, ct) => CommandErrors.Run(parseResult, () =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            if (parseResult.GetValue(repeat) < 1) return CommandErrors.Invalid(parseResult, ["--repeat must be at least 1."]);
            var problemCount = parseResult.GetValue(problems);
            var sampleCount = parseResult.GetValue(samples);
            var input = SyntheticSamples.Generate(problemCount, sampleCount, parseResult.GetValue(seed));
            var options = new VotingOptions
            {
                Seed = parseResult.GetValue(seed),
                MonteCarloDraws = parseResult.GetValue(monteCarloDraws),
                BootstrapResamples = parseResult.GetValue(bootstrap),
            };
            output.WriteLine($"synthetic input: {problemCount} problems x {sampleCount} samples, {options.MonteCarloDraws} Monte Carlo draws");

            // Warm-up on a small input, twice with a pause, so that tiered compilation has promoted the hot methods
            // and the timings below measure optimised code, not the JIT.
            var warmUp = SyntheticSamples.Generate(64, sampleCount, parseResult.GetValue(seed) + 1);
            for (var round = 0; round < 2; round++)
            {
                VotingReport.Summarize(VotingReport.Evaluate(warmUp, options), options with { BootstrapResamples = 10 });
                Thread.Sleep(300);
            }
            // Settle the freshly generated input into the old generation so that its promotion is not timed.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();

            var repeats = parseResult.GetValue(repeat);
            var (curves, curvesWall, curvesCpu) = Median(repeats, () => VotingReport.Evaluate(input, options));
            output.WriteLine($"curves ({curves.Metrics.Count} metrics x {curves.Ks.Count} k: {string.Join(",", curves.Ks)}), one thread, median of {repeats}: {curvesWall:F3} s wall, {curvesCpu:F3} s CPU");

            var (result, bootstrapWall, bootstrapCpu) = Median(repeats, () => VotingReport.Summarize(curves, options));
            output.WriteLine($"bootstrap ({options.BootstrapResamples} resamples over {curves.Metrics.Count * curves.Ks.Count} curve points), median of {repeats}: {bootstrapWall:F3} s wall, {bootstrapCpu:F3} s CPU");
            output.WriteLine();
            MarkdownTable.Write(output, [new DatasetReport("synthetic", result)]);
            BenchFigures.WriteJson(parseResult, json, "voting", new { Problems = problemCount, Samples = sampleCount, options.Seed, options.MonteCarloDraws, options.BootstrapResamples, Repeats = repeats },
                new { Metrics = curves.Metrics.Count, Ks = curves.Ks, CurvesWallSeconds = curvesWall, CurvesCpuSeconds = curvesCpu, BootstrapWallSeconds = bootstrapWall, BootstrapCpuSeconds = bootstrapCpu });
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>
    /// Runs <paramref name="work"/> <paramref name="repeats"/> times; the median wall-clock and process CPU seconds. On a
    /// shared machine the CPU time is the fairer single-core figure.
    /// </summary>
    private static (T Result, double WallSeconds, double CpuSeconds) Median<T>(int repeats, Func<T> work)
    {
        var walls = new double[repeats];
        var cpus = new double[repeats];
        T result = default!;
        var process = Process.GetCurrentProcess();
        for (var i = 0; i < repeats; i++)
        {
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            result = work();
            clock.Stop();
            process.Refresh();
            walls[i] = clock.Elapsed.TotalSeconds;
            cpus[i] = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        }
        Array.Sort(walls);
        Array.Sort(cpus);
        return (result, walls[repeats / 2], cpus[repeats / 2]);
    }
}
