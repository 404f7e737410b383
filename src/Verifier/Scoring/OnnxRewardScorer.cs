using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace BestOfN.Verifier.Scoring;

/// <summary>
/// Scores answers with a classifier-head reward model through ONNX Runtime. The input is <c>prompt + " " + answer</c>, tokenized,
/// batched with right padding and an attention mask. The output is read per answer ([batch], [batch, 1] scalar, or [batch, 2] two-class:
/// softmax of the positive class) or per step tag ([batch, tokens] or [batch, tokens, 2], read at every step-tag token).
/// The CUDA execution provider is used when ONNX Runtime can load it (the GPU native package), else the CPU.
/// </summary>
public sealed class OnnxRewardScorer : IRewardScorer
{
    private readonly ScorerOptions _options;
    private readonly OnnxProtocol _protocol;
    private readonly InferenceSession _session;
    private readonly IScoringTokenizer _tokenizer;
    private readonly int? _tag;
    private readonly string _modelPath;

    public OnnxRewardScorer(string modelPath, ScorerOptions options, IScoringTokenizer tokenizer)
    {
        options.ThrowIfInvalid();
        _protocol = options.Protocol as OnnxProtocol ?? throw new ArgumentException($"{options.Protocol.Name} is not an ONNX protocol.", nameof(options));
        _options = options;
        _tokenizer = tokenizer;
        _modelPath = modelPath;
        using var sessionOptions = new SessionOptions();
        ExecutionProvider = "CPU";
        if (options.Onnx.UseCuda)
        {
            try
            {
                sessionOptions.AppendExecutionProvider_CUDA(0);
                ExecutionProvider = "CUDA";
            }
            catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
            {
                // The CPU package has no CUDA provider: stay on the CPU.
            }
        }
        if (options.Threads > 0) sessionOptions.IntraOpNumThreads = options.Threads;
        _session = new InferenceSession(modelPath, sessionOptions);

        var errors = new List<string>();
        if (!_session.InputMetadata.ContainsKey(options.Onnx.InputIdsName)) errors.Add($"no input '{options.Onnx.InputIdsName}'");
        if (options.Onnx.AttentionMaskName.Length > 0 && !_session.InputMetadata.ContainsKey(options.Onnx.AttentionMaskName)) errors.Add($"no input '{options.Onnx.AttentionMaskName}'");
        if (!_session.OutputMetadata.ContainsKey(options.Onnx.OutputName)) errors.Add($"no output '{options.Onnx.OutputName}'");
        if (errors.Count > 0)
        {
            _session.Dispose();
            throw new ScoringProtocolException($"{Path.GetFileName(modelPath)}: {string.Join(", ", errors)}. Inputs: {string.Join(", ", _session.InputMetadata.Keys)}; outputs: {string.Join(", ", _session.OutputMetadata.Keys)}.");
        }
        if (options.Onnx.Readout == OnnxReadout.StepTags) _tag = tokenizer.SingleToken(options.StepTag);
    }

    /// <summary>"CUDA" or "CPU".</summary>
    public string ExecutionProvider { get; }

    public IReadOnlyDictionary<string, object?> Manifest => new SortedDictionary<string, object?>
    {
        ["protocol"] = _protocol.RecordedName(_options),
        ["runtime"] = $"onnxruntime ({ExecutionProvider})",
        ["model_path"] = _modelPath,
        ["tokenizer"] = _tokenizer.Description,
        ["input"] = "prompt + \" \" + answer",
        ["input_ids"] = _options.Onnx.InputIdsName,
        ["attention_mask"] = _options.Onnx.AttentionMaskName,
        ["output"] = _options.Onnx.OutputName,
        ["readout"] = _options.Onnx.Readout == OnnxReadout.Sequence ? "per answer" : "per step-tag position",
        ["step_tag"] = _tag is { } t ? new Dictionary<string, object> { ["id"] = t, ["text"] = _options.StepTag } : null,
        ["score"] = $"scalar output as is; two-class output: softmax(output)[{_options.Onnx.PositiveClass}]",
        ["padding"] = "right, attention_mask 0",
        ["max_sequence_tokens"] = _options.MaxSequenceTokens ?? ScorerDefaults.OnnxMaxSequenceTokens,
    };

    public long TokensScored { get; private set; }

    /// <summary>Always 0: an ONNX session keeps no cache to share a prefix in.</summary>
    public long PrefixTokensPrefilled => 0;

    public IEnumerable<IReadOnlyList<SampleScore>> Score(ScoringProblem problem, CancellationToken cancellationToken = default)
    {
        for (var start = 0; start < problem.Answers.Count; start += _options.Batch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            var answers = problem.Answers.Skip(start).Take(_options.Batch).ToList();
            var encoded = answers.Select(a => Encode(problem.Prompt, a.Text)).ToList();
            var live = encoded.Select((e, i) => (e, i)).Where(x => x.e.Reads is null || x.e.Reads.Length > 0).ToList();
            var results = new SampleScore[answers.Count];
            double[][] scores = [];
            if (live.Count > 0) scores = Run(live.Select(x => x.e).ToList());
            var elapsed = clock.Elapsed.TotalMilliseconds;
            var totalTokens = Math.Max(1, live.Sum(x => x.e.Ids.Length));
            for (var i = 0; i < answers.Count; i++)
            {
                var e = encoded[i];
                var row = live.FindIndex(x => x.i == i);
                var ms = row < 0 ? 0 : elapsed * e.Ids.Length / totalTokens;
                results[i] = row < 0
                    ? new SampleScore(problem.ProblemId, answers[i].Index, e.Status, [], null, [], e.StepCount, 0, 0)
                    : e.Reads is null
                        ? new SampleScore(problem.ProblemId, answers[i].Index, e.Status, [], scores[row][0], [], 1, e.Ids.Length, ms)
                        : new SampleScore(problem.ProblemId, answers[i].Index, e.Status, scores[row], null, e.Reads, e.StepCount, e.Ids.Length, ms);
            }
            TokensScored += live.Sum(x => x.e.Ids.Length);
            yield return results;
        }
    }

    private sealed record Encoded(int[] Ids, int[]? Reads, ScoreStatus Status, int StepCount);

    private Encoded Encode(string prompt, string answer)
    {
        var ids = _tokenizer.Encode(prompt + " " + answer);
        var limit = _options.MaxSequenceTokens ?? ScorerDefaults.OnnxMaxSequenceTokens;
        if (_tag is not { } tag)
            return ids.Length <= limit ? new Encoded(ids, null, ScoreStatus.Ok, 1) : new Encoded(ids[..limit], null, ScoreStatus.Truncated, 1);
        var reads = Enumerable.Range(0, ids.Length).Where(i => ids[i] == tag).ToArray();
        if (reads.Length == 0) return new Encoded(ids, [], ScoreStatus.NoCompleteStep, 0);
        var kept = reads.Where(r => r < limit).ToArray();
        var cut = kept.Length == 0 ? [] : ids[..(kept[^1] + 1)];
        return new Encoded(cut, kept, kept.Length == reads.Length ? ScoreStatus.Ok : ScoreStatus.Truncated, reads.Length);
    }

    /// <summary>One session run over a right-padded batch; returns each row's scores (one, or one per read).</summary>
    private double[][] Run(IReadOnlyList<Encoded> rows)
    {
        var width = rows.Max(r => r.Ids.Length);
        var ids = new DenseTensor<long>([rows.Count, width]);
        var mask = new DenseTensor<long>([rows.Count, width]);
        for (var b = 0; b < rows.Count; b++)
        {
            for (var t = 0; t < rows[b].Ids.Length; t++)
            {
                ids[b, t] = rows[b].Ids[t];
                mask[b, t] = 1;
            }
        }

        var inputs = new List<NamedOnnxValue> { NamedOnnxValue.CreateFromTensor(_options.Onnx.InputIdsName, ids) };
        if (_options.Onnx.AttentionMaskName.Length > 0) inputs.Add(NamedOnnxValue.CreateFromTensor(_options.Onnx.AttentionMaskName, mask));
        using var outputs = _session.Run(inputs, [_options.Onnx.OutputName]);
        var output = outputs[0].AsTensor<float>();
        var dims = output.Dimensions.ToArray();
        var perToken = _options.Onnx.Readout == OnnxReadout.StepTags;
        var classes = dims.Length == (perToken ? 3 : 2) ? dims[^1] : 1;
        if (dims[0] != rows.Count || (perToken && (dims.Length < 2 || dims[1] != width)) || classes > 2 && _options.Onnx.PositiveClass >= classes)
            throw new ScoringProtocolException($"Output '{_options.Onnx.OutputName}' has shape [{string.Join(", ", dims)}]; expected [{rows.Count}{(perToken ? $", {width}" : "")}] with an optional last dimension of 1 or 2 classes.");
        if (classes == 2 && _options.Onnx.PositiveClass > 1)
            throw new ScoringProtocolException($"--onnx-positive-class {_options.Onnx.PositiveClass} is out of range for a two-class output.");

        double Read(int b, int t)
        {
            if (classes == 1) return perToken ? (dims.Length == 3 ? output[b, t, 0] : output[b, t]) : (dims.Length == 2 ? output[b, 0] : output[b]);
            var (zero, one) = perToken ? (output[b, t, 0], output[b, t, 1]) : (output[b, 0], output[b, 1]);
            var p1 = 1.0 / (1.0 + Math.Exp((double)zero - one));
            return _options.Onnx.PositiveClass == 1 ? p1 : 1 - p1;
        }
        return rows.Select((r, b) => r.Reads is null ? [Read(b, 0)] : r.Reads.Select(t => Read(b, t)).ToArray()).ToArray();
    }

    public void Dispose()
    {
        _session.Dispose();
        _tokenizer.Dispose();
    }
}
