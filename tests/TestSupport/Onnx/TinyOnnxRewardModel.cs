namespace BestOfN.TestSupport.Onnx;

/// <summary>
/// A tiny but real classifier-head reward model, written as ONNX: token embeddings E [vocab, dim], a masked mean over the sequence,
/// and a two-class head W [dim, 2].
/// <list type="bullet">
/// <item><c>logits</c> [batch, 2] = mean(E[ids] where attention_mask = 1) · W — one score per answer;</item>
/// <item><c>token_logits</c> [batch, tokens, 2] = (running mean of E[ids] up to each position, masked) · W — a score per position.</item>
/// </list>
/// Padding positions are masked out of every sum, so padding cannot change a score; small enough to check by hand.
/// </summary>
public static class TinyOnnxRewardModel
{
    public sealed record Weights(int VocabSize, int Dim, float[] Embedding, float[] Head)
    {
        public float E(int token, int d) => Embedding[token * Dim + d];

        public float W(int d, int cls) => Head[d * 2 + cls];
    }

    public static Weights Write(string path, int vocabSize, int dim = 8, int seed = 1)
    {
        var rng = new Random(seed);
        var e = new float[vocabSize * dim];
        var w = new float[dim * 2];
        for (var i = 0; i < e.Length; i++) e[i] = (float)(rng.NextDouble() * 2 - 1);
        for (var i = 0; i < w.Length; i++) w[i] = (float)(rng.NextDouble() * 2 - 1);
        new OnnxModelWriter()
            .Input("input_ids", OnnxModelWriter.ElementType.Int64, ("batch", 0), ("tokens", 0))
            .Input("attention_mask", OnnxModelWriter.ElementType.Int64, ("batch", 0), ("tokens", 0))
            .Output("logits", OnnxModelWriter.ElementType.Float, ("batch", 0), (null, 2))
            .Output("token_logits", OnnxModelWriter.ElementType.Float, ("batch", 0), ("tokens", 0), (null, 2))
            .Initializer("E", [vocabSize, dim], e)
            .Initializer("W", [dim, 2], w)
            .Initializer("axis_tokens", [1], [1L])
            .Initializer("axis_last", [1], [2L])
            .Initializer("axis_scalar", [], [1L])
            .Initializer("one", [], [1f])
            .Node("Gather", ["E", "input_ids"], ["emb"], ("axis", 0))
            .Node("Cast", ["attention_mask"], ["mask"], ("to", (int)OnnxModelWriter.ElementType.Float))
            .Node("Unsqueeze", ["mask", "axis_last"], ["mask3"])
            .Node("Mul", ["emb", "mask3"], ["masked"])
            .Node("ReduceSum", ["masked", "axis_tokens"], ["summed"], ("keepdims", 0))
            .Node("ReduceSum", ["mask", "axis_tokens"], ["count"], ("keepdims", 1))
            .Node("Div", ["summed", "count"], ["mean"])
            .Node("MatMul", ["mean", "W"], ["logits"])
            .Node("CumSum", ["masked", "axis_scalar"], ["running_sum"])
            .Node("CumSum", ["mask3", "axis_scalar"], ["running_count"])
            .Node("Max", ["running_count", "one"], ["safe_count"])
            .Node("Div", ["running_sum", "safe_count"], ["running_mean"])
            .Node("MatMul", ["running_mean", "W"], ["token_logits"])
            .Write(path);
        return new Weights(vocabSize, dim, e, w);
    }
}
