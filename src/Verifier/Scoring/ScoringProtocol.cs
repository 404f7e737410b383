namespace BestOfN.Verifier.Scoring;

/// <summary>How a reward model turns an answer into scores. Each protocol reproduces a published recipe exactly.</summary>
public enum ScoringProtocol
{
    /// <summary>RLHFlow generative PRM (Llama3.1-8B-PRM-*-Data): one chat turn per step, P('+') after each assistant header.</summary>
    RlhflowPrm,

    /// <summary>RLHFlow generative ORM: one user turn with the whole answer, P('+') after the assistant header.</summary>
    RlhflowOrm,

    /// <summary>Math-Shepherd PRM: plain text with a step tag (ки) after each step, P(' +') over {' +', ' -'} at every tag.</summary>
    MathShepherd,

    /// <summary>A classifier-head reward model in ONNX, run by ONNX Runtime.</summary>
    Onnx,
}

/// <summary>Where an answer's steps end.</summary>
public enum StepSplit
{
    /// <summary>"ки\n" when the answer contains the ки tag (Mistral-style data), otherwise a blank line.</summary>
    Auto,

    /// <summary>"ки\n", as RLHFlow's Mistral-style data.</summary>
    Ki,

    /// <summary>"\n\n", as RLHFlow's Deepseek-style data.</summary>
    BlankLine,
}

/// <summary>What became of one answer's scoring. A failure of one answer is data, never an exception that stops a run.</summary>
public enum ScoreStatus
{
    /// <summary>Every step was scored.</summary>
    Ok,

    /// <summary>The answer ran past the longest sequence the scorer takes; only the steps before the cut were scored.</summary>
    Truncated,

    /// <summary>The answer has no complete step (empty after splitting, or no step tag), so nothing was scored.</summary>
    NoCompleteStep,
}

public static class ScoringNames
{
    /// <summary>The command-line name: rlhflow-prm, rlhflow-orm, math-shepherd, onnx.</summary>
    public static string Name(this ScoringProtocol protocol) => protocol switch
    {
        ScoringProtocol.RlhflowPrm => "rlhflow-prm",
        ScoringProtocol.RlhflowOrm => "rlhflow-orm",
        ScoringProtocol.MathShepherd => "math-shepherd",
        ScoringProtocol.Onnx => "onnx",
        _ => throw new ArgumentOutOfRangeException(nameof(protocol)),
    };

    public static string Name(this StepSplit split) => split switch
    {
        StepSplit.Auto => "auto",
        StepSplit.Ki => "ki",
        StepSplit.BlankLine => "blank-line",
        _ => throw new ArgumentOutOfRangeException(nameof(split)),
    };

    /// <summary>"ok", "truncated" or "no-complete-step", as stored.</summary>
    public static string Name(this ScoreStatus status) => status switch
    {
        ScoreStatus.Ok => "ok",
        ScoreStatus.Truncated => "truncated",
        ScoreStatus.NoCompleteStep => "no-complete-step",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static bool TryParseProtocol(string name, out ScoringProtocol protocol) => TryParse(name, Enum.GetValues<ScoringProtocol>(), p => p.Name(), out protocol);

    public static bool TryParseStepSplit(string name, out StepSplit split) => TryParse(name, Enum.GetValues<StepSplit>(), s => s.Name(), out split);

    public static bool TryParseStatus(string name, out ScoreStatus status) => TryParse(name, Enum.GetValues<ScoreStatus>(), s => s.Name(), out status);

    /// <summary>True for protocols that score every step (a PRM); false for one score per answer (an ORM).</summary>
    public static bool ScoresSteps(this ScoringProtocol protocol, OnnxReadout onnxReadout = OnnxReadout.Sequence) => protocol switch
    {
        ScoringProtocol.RlhflowOrm => false,
        ScoringProtocol.Onnx => onnxReadout == OnnxReadout.StepTags,
        _ => true,
    };

    /// <summary>The protocol as stored with a run's scores: the protocol name, "onnx-steps" for a per-step ONNX readout.</summary>
    public static string StoredName(this ScorerOptions options) =>
        options.Protocol == ScoringProtocol.Onnx && options.Onnx.Readout == OnnxReadout.StepTags ? "onnx-steps" : options.Protocol.Name();

    /// <summary>Stored protocol names whose scores are per step (PRMs); "imported" holds step scores shipped with a sample set.</summary>
    public static bool IsStepProtocolName(string storedName) => storedName is "rlhflow-prm" or "math-shepherd" or "onnx-steps" or "imported";

    private static bool TryParse<T>(string name, IEnumerable<T> values, Func<T, string> nameOf, out T value) where T : struct
    {
        foreach (var v in values)
        {
            if (string.Equals(nameOf(v), name, StringComparison.OrdinalIgnoreCase) || string.Equals(v.ToString(), name, StringComparison.OrdinalIgnoreCase))
            {
                value = v;
                return true;
            }
        }
        value = default;
        return false;
    }
}
