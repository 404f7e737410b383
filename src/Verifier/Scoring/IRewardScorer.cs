namespace BestOfN.Verifier.Scoring;

/// <summary>A reward model run under one protocol. One implementation per runtime: llama.cpp and ONNX Runtime.</summary>
public interface IRewardScorer : IDisposable
{
    /// <summary>What a reader needs to audit the scores: the protocol, token ids and read positions. Stored with the run.</summary>
    IReadOnlyDictionary<string, object?> Manifest { get; }

    /// <summary>Tokens run through the model so far (each shared prefix once, plus every answer's own tokens).</summary>
    long TokensScored { get; }

    /// <summary>Shared-prefix tokens prefilled so far: one prefill per problem, however many answers.</summary>
    long PrefixTokensPrefilled { get; }

    /// <summary>The text the model reads for an answer (the rendered conversation), for <c>--show-prompt</c>; null when the runtime has no text form.</summary>
    string? InputText(string prompt, string answer) => null;

    /// <summary>Scores a problem's answers and yields each batch when it is complete, so that it can be stored as one unit.
    /// Answers that cannot be scored come back with a status, never as an exception.</summary>
    IEnumerable<IReadOnlyList<SampleScore>> Score(ScoringProblem problem, CancellationToken cancellationToken = default);

    /// <summary>Scores the problems in order and yields each batch when it is complete. A batch may hold answers of several problems
    /// (the llama.cpp scorer fills every batch); the default scores one problem after another.</summary>
    IEnumerable<IReadOnlyList<SampleScore>> ScoreAll(IEnumerable<ScoringProblem> problems, CancellationToken cancellationToken = default) =>
        problems.SelectMany(p => Score(p, cancellationToken));
}
