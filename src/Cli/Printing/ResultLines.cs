using System.Globalization;
using BestOfN.Pipeline;
using BestOfN.Verifier.Scoring;
using BestOfN.Voting.Reporting;

namespace BestOfN.Cli.Printing;

/// <summary>The lines a use case's result prints as, shared by the commands that run it.</summary>
internal static class ResultLines
{
    /// <summary>The exit code of a use case that may have been interrupted.</summary>
    public static int ExitCode(bool interrupted) => interrupted ? Commands.ExitCodes.Interrupted : Commands.ExitCodes.Ok;

    public static void Write(TextWriter output, SampleResult result)
    {
        var s = result.Summary;
        var shard = result.Shard is { } sh ? $" (shard {sh}; merge the shards with bestofn merge)" : "";
        output.WriteLine($"run {result.RunId} in {result.Destination}: {result.Problems} problems × {result.N} samples, model {result.ModelName} ({result.ModelDescription}){shard}");
        var prefilled = result.Server is null ? "(once per problem)" : "(every request's, as the server reports them)";
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"done: {s.SamplesDrawn} samples drawn, {s.SamplesSkipped} already stored, {s.TokensGenerated} tokens in {s.Elapsed.TotalSeconds:F1} s " +
            $"({s.TokensGenerated / Math.Max(s.Elapsed.TotalSeconds, 1e-9):F0} tok/s); prompt tokens prefilled: {s.PromptTokensPrefilled} {prefilled}"));
        if (result.Server is { } server)
        {
            output.WriteLine($"resilience: {server.Resilience}");
            if (server.Failed > 0)
                output.WriteLine($"failed: {server.Failed} samples were not drawn after every retry (rerun to draw them): {string.Join("; ", server.FirstFailures)}");
        }
        if (s.Interrupted) Interrupted(output, $"{result.Stored?.ToString(CultureInfo.InvariantCulture) ?? "every finished wave's"} samples of run {result.RunId} are stored; {(s.Batching == Sampler.Sampling.Batching.Continuous ? "the samples in flight were" : "the wave in flight was")} dropped");
    }

    public static void Write(TextWriter output, ScoreResult result)
    {
        var s = result.Summary;
        if (result.FirstInput is { } input) output.WriteLine($"input of the first answer, as the model reads it:\n{input}\n");
        var seconds = Math.Max(s.Elapsed.TotalSeconds, 1e-9);
        output.WriteLine($"scored run {result.RunId} in {result.StorePath} with {result.ModelName} ({result.Protocol}, batch {result.Batch}) as scorer {result.ScorerId}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"done: {s.AnswersScored} answers scored, {s.AnswersSkipped} already stored, {s.TokensScored} tokens in {s.Elapsed.TotalSeconds:F1} s " +
            $"({s.AnswersScored / seconds:F1} answers/s, {s.TokensScored / seconds:F0} scored tok/s); shared prefix tokens prefilled: {s.PrefixTokensPrefilled} (once per problem)"));
        output.WriteLine("statuses: " + string.Join(", ", s.Statuses.Select(x => $"{x.Key.Name()} {x.Value}")));
        if (result.KvLayout is { } kv && s.AnswersScored > 0) output.WriteLine($"kv layout: {kv}");
        if (s.Statuses.GetValueOrDefault(ScoreStatus.Truncated) is > 0 and var truncated)
            output.WriteLine($"truncated: {truncated} answers ran past {result.MaxSequenceTokens?.ToString(CultureInfo.InvariantCulture) ?? "the longest sequence"} tokens; their later steps have no score (raise --max-tokens and --ctx-size)");
        if (result.Resilience is { } resilience) output.WriteLine($"resilience: {resilience}");
        if (s.Interrupted) Interrupted(output, $"{result.Stored} answers of run {result.RunId} have scores of {result.ScorerId}; the batch in flight was dropped");
    }

    private static void Interrupted(TextWriter output, string stored) =>
        output.WriteLine($"interrupted: {stored}. Resume with: {Program.CommandLine ?? "the same command"}");

    /// <summary>
    /// A report in the chosen format (<see cref="ReportFormats"/>), then what a reader must know. The data formats (csv, json) hold curve
    /// points only, so their notes, the tables' included, go to <paramref name="error"/> and stdout stays parseable.
    /// </summary>
    public static void Write(TextWriter output, TextWriter error, ReportRunsResult result, string format, TableOptions table)
    {
        ReportFormats.ByName[format](output, result.Reports, table);
        if (ReportFormats.IsData(format))
        {
            foreach (var note in ReportTable.Build(result.Reports, table).SelectMany(t => t.Notes).Concat(result.Notes)) error.WriteLine($"note: {note}");
            return;
        }
        foreach (var note in result.Notes) output.WriteLine(format == "latex" ? $"% Note: {note}" : $"Note: {note}");
    }

    /// <summary>A nightly attempt: its status, the item, and its headline metrics with their 95% intervals or its error.</summary>
    public static string Line(Store.NightlyRun run) =>
        $"{Pipeline.Nightly.NightlyHistory.StatusName(run.Status),-11} {run.Kind} {run.Item} ({run.Sha256[..12]}, attempt {run.Attempt}): " +
        (run.Error ?? string.Join(", ", run.Metrics.Select(m => string.Create(CultureInfo.InvariantCulture,
            $"{m.Name} {100 * m.Value:F1}%{(m.CiLow is { } lo && m.CiHigh is { } hi ? $" [{100 * lo:F1}, {100 * hi:F1}]" : "")}"))));
}
