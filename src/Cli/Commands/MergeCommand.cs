using System.CommandLine;
using BestOfN.Pipeline.Merging;

namespace BestOfN.Cli.Commands;

/// <summary>`merge OUT IN...`: the stores of a run's shards into one store, with the coverage printed.</summary>
internal static class MergeCommand
{
    private static readonly Argument<FileInfo> Out = new("out") { Description = "The merged store to write (never one of the inputs; replaced whole when the merge succeeds)" };
    private static readonly Argument<FileInfo[]> Inputs = new Argument<FileInfo[]>("stores") { Description = "The shard stores (or merged stores) to merge", Arity = ArgumentArity.OneOrMore }.AcceptExistingOnly();
    private static readonly Option<bool> AllowPartial = new("--allow-partial") { Description = "Write the merged store even when problems or samples are missing (exit 0)" };

    /// <summary>At most this many missing problems or samples are listed per run; the counts are always printed.</summary>
    private const int Listed = 20;

    public static Command Create()
    {
        var command = new Command("merge", "Merge the stores of a run's shards into one store; prints the coverage and fails when it is incomplete") { Out, Inputs, AllowPartial };
        command.SetAction((pr, ct) => CommandErrors.Run(pr, () => Run(pr)));
        return command;
    }

    private static int Run(ParseResult pr)
    {
        var result = MergeStores.Run(new MergeRequest(pr.GetValue(Out)!.FullName, [.. pr.GetValue(Inputs)!.Select(f => f.FullName)]) { AllowPartial = pr.GetValue(AllowPartial) });
        var output = pr.InvocationConfiguration.Output;
        foreach (var run in result.Runs)
        {
            var n = run.SamplesPerProblem is { } per ? $" × {per} samples" : "";
            output.WriteLine($"run {run.RunId}: {run.Problems} of {run.ExpectedProblems} problems{n}, {run.Samples} samples stored");
            foreach (var input in run.Inputs)
                output.WriteLine($"  {input.Path}{(input.Shards.Count > 0 ? $" (shard {string.Join(", ", input.Shards)})" : "")}: {input.Problems} problems, {input.Samples} samples");
            if (run.MissingShards.Count > 0) output.WriteLine($"  missing shards: {string.Join(", ", run.MissingShards)}");
            if (run.MissingProblems.Count > 0)
                output.WriteLine($"  missing problems ({run.MissingProblems.Count}): {string.Join(", ", run.MissingProblems.Take(Listed))}{(run.MissingProblems.Count > Listed ? ", …" : "")}");
            if (run.MissingSamples.Count > 0)
            {
                output.WriteLine($"  missing samples: {run.MissingSamples.Sum(m => m.Indices.Count)} in {run.MissingSamples.Count} problems");
                foreach (var m in run.MissingSamples.Take(Listed)) output.WriteLine($"    {m.ProblemId}: indices {Ranges(m.Indices)}");
            }
        }
        if (result.Complete)
        {
            output.WriteLine($"merged {result.Runs.Count} runs into {result.OutPath}: complete");
            return ExitCodes.Ok;
        }
        if (result.Written)
        {
            output.WriteLine($"merged {result.Runs.Count} runs into {result.OutPath}: incomplete (--allow-partial)");
            return ExitCodes.Ok;
        }
        pr.InvocationConfiguration.Error.WriteLine($"error: the merge is incomplete (above); nothing was written to {result.OutPath}. Rerun the missing shards (a rerun resumes), or give --allow-partial.");
        return ExitCodes.RunFailed;
    }

    /// <summary>Sorted indices as ranges: 0-3, 7, 9-12.</summary>
    private static string Ranges(IReadOnlyList<int> indices)
    {
        var parts = new List<string>();
        for (var i = 0; i < indices.Count;)
        {
            var j = i;
            while (j + 1 < indices.Count && indices[j + 1] == indices[j] + 1) j++;
            parts.Add(i == j ? $"{indices[i]}" : $"{indices[i]}-{indices[j]}");
            i = j + 1;
        }
        return string.Join(", ", parts);
    }
}
