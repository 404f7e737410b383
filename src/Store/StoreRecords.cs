namespace BestOfN.Store;

/// <summary>A run: one configuration of generator (or an imported sample set) over one dataset.</summary>
/// <param name="Kind">"sample" for runs drawn here, "import" for published sample sets.</param>
/// <param name="ConfigJson">The full configuration that identifies the run; reruns with the same one resume it.</param>
public sealed record RunInfo(string RunId, string Kind, string Dataset, string? ModelPath, string? ModelSha256, string ConfigJson, DateTimeOffset CreatedAt);

/// <param name="Position">The problem's order within the run.</param>
/// <param name="Prompt">The rendered prompt, exactly as the model saw it, for audit.</param>
public sealed record StoredProblem(string RunId, string ProblemId, int Position, string Question, string? Gold,
    IReadOnlyDictionary<string, string> Fields, string? Prompt, int? PromptTokens);

/// <param name="Label">Correctness shipped with an imported sample set; null for samples drawn here.</param>
public sealed record StoredSample(string RunId, string ProblemId, int Index, long Seed, string Text, int TokenCount,
    string FinishReason, string? StopString, double Milliseconds, bool? Label);

/// <summary>One imported problem with its samples and shipped scores, written together or not at all.</summary>
public sealed record ImportedProblemRows(StoredProblem Problem, IReadOnlyList<StoredSample> Samples, IReadOnlyList<StoredScore> Scores);

/// <summary>What an import wrote: its run, and the samples and scores that were not stored already.</summary>
public sealed record ImportWriteResult(RunInfo Run, int SamplesInserted, int ScoresInserted);
