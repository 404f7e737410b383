using System.Numerics.Tensors;

namespace BestOfN.Training;

/// <summary>
/// One training sequence: the tokens fed, and at each position the token to predict there (or -1 for no loss). A language model
/// predicts <c>Tokens[t + 1]</c>; a verifier predicts its verdict at one position only, while the input keeps whatever the scorer feeds.
/// </summary>
/// <param name="Weights">Each target's weight in the loss (null: all 1), e.g. a verdict outweighing auxiliary language-model targets.</param>
public sealed record TrainingSequence(int[] Tokens, int[] Targets, float[]? Weights = null)
{
    public static TrainingSequence NextToken(int[] tokens, int lossFrom)
    {
        var targets = new int[tokens.Length];
        for (var t = 0; t < tokens.Length; t++) targets[t] = t + 1 < tokens.Length && t + 1 >= lossFrom ? tokens[t + 1] : -1;
        return new TrainingSequence(tokens, targets);
    }

    public int LossCount => Targets.Count(t => t >= 0);

    /// <summary>The summed weight of the targets: what the loss is averaged over.</summary>
    public double LossWeight => Weights is null ? LossCount : Targets.Select((t, i) => t >= 0 ? Weights[i] : 0).Sum();
}

/// <summary>
/// The llama forward and backward pass for one sequence at a time, as llama.cpp's LLAMA graph computes it (llm_build_llama):
/// x = embd[token]; per layer x += Wo·attn(rope(Wq·n), rope(Wk·n), Wv·n) with n = rmsnorm(x)·w, scale 1/sqrt(head_dim), causal;
/// x += Wdown·(silu(Wgate·n)·Wup·n); logits = Wout·(rmsnorm(x)·w). RoPE rotates adjacent pairs (x[2i], x[2i+1]) by pos·base^(−2i/d).
/// A <see cref="LlamaNetwork"/> holds one sequence's activations; use one per thread.
/// </summary>
public sealed class LlamaNetwork
{
    private readonly LlamaShape _s;
    private readonly int _maxT;
    private readonly float[] _cos, _sin; // [maxT, headDim/2]
    private readonly Layer[] _layers;
    private readonly float[] _xFinal, _rmsFinal, _hFinal, _dx, _dh, _tmpD, _logits;
    private readonly float[] _dAct, _dg, _du, _dq, _dk, _dv, _dAttn, _dp;

    private sealed class Layer(int t, int d, int f, int heads)
    {
        public readonly float[] XIn = new float[t * d], Rms1 = new float[t], H1 = new float[t * d], Q = new float[t * d], K = new float[t * d], V = new float[t * d];
        public readonly float[] P = new float[heads * t * t], AttnOut = new float[t * d], XMid = new float[t * d], Rms2 = new float[t], H2 = new float[t * d];
        public readonly float[] G = new float[t * f], U = new float[t * f], Act = new float[t * f];
    }

    public LlamaNetwork(LlamaShape shape, int maxTokens)
    {
        _s = shape;
        _maxT = maxTokens;
        int t = maxTokens, d = shape.Dim, f = shape.FeedForward, half = shape.HeadDim / 2;
        _cos = new float[t * half];
        _sin = new float[t * half];
        for (var pos = 0; pos < t; pos++)
        {
            for (var i = 0; i < half; i++)
            {
                var theta = pos * Math.Pow(shape.RopeBase, -2.0 * i / shape.HeadDim);
                _cos[pos * half + i] = (float)Math.Cos(theta);
                _sin[pos * half + i] = (float)Math.Sin(theta);
            }
        }

        _layers = [.. Enumerable.Range(0, shape.Layers).Select(_ => new Layer(t, d, f, shape.Heads))];
        _xFinal = new float[t * d];
        _rmsFinal = new float[t];
        _hFinal = new float[t * d];
        _dx = new float[t * d];
        _dh = new float[t * d];
        _tmpD = new float[t * d];
        _logits = new float[shape.Vocab];
        _dAct = new float[t * f];
        _dg = new float[t * f];
        _du = new float[t * f];
        _dq = new float[t * d];
        _dk = new float[t * d];
        _dv = new float[t * d];
        _dAttn = new float[t * d];
        _dp = new float[t];
    }

    public int MaxTokens => _maxT;

    /// <summary>Logits at every position (for parity checks), [tokens, vocab].</summary>
    public float[] Logits(LlamaParameters p, int[] tokens)
    {
        Forward(p, tokens);
        var T = tokens.Length;
        var all = new float[T * _s.Vocab];
        var output = p.Slice("output.weight");
        for (var t = 0; t < T; t++) Linear(_hFinal.AsSpan(t * _s.Dim, _s.Dim), output, all.AsSpan(t * _s.Vocab, _s.Vocab), _s.Dim);
        return all;
    }

    /// <summary>Cross-entropy summed over the sequence's targets (weighted); when <paramref name="grad"/> is given, adds d(loss·<paramref name="scale"/>)/dθ to it.</summary>
    public double LossAndGradient(LlamaParameters p, TrainingSequence sequence, float[]? grad, float scale = 1f)
    {
        var tokens = sequence.Tokens;
        var T = tokens.Length;
        if (T > _maxT) throw new ArgumentException($"A sequence of {T} tokens is longer than this network's {_maxT}.");
        Forward(p, tokens);
        int d = _s.Dim, vocab = _s.Vocab;
        var output = p.Slice("output.weight");
        Span<float> dOut = grad is null ? default : Grad(grad, p, "output.weight");
        var loss = 0.0;
        Array.Clear(_dh, 0, T * d);
        for (var t = 0; t < T; t++)
        {
            var target = sequence.Targets[t];
            if (target < 0) continue;
            var h = _hFinal.AsSpan(t * d, d);
            Linear(h, output, _logits, d);
            var max = TensorPrimitives.Max(_logits);
            TensorPrimitives.Subtract(_logits, max, _logits);
            TensorPrimitives.Exp(_logits, _logits);
            var sum = TensorPrimitives.Sum(_logits);
            var weight = sequence.Weights?[t] ?? 1f;
            loss += -weight * Math.Log(Math.Max(_logits[target] / sum, 1e-30));
            if (grad is null) continue;
            var s = scale * weight;
            TensorPrimitives.Multiply(_logits, s / sum, _logits);
            _logits[target] -= s;
            var dh = _dh.AsSpan(t * d, d);
            for (var v = 0; v < vocab; v++)
            {
                var g = _logits[v];
                TensorPrimitives.MultiplyAdd(output.Slice(v * d, d), g, dh, dh);
                var row = dOut.Slice(v * d, d);
                TensorPrimitives.MultiplyAdd(h, g, row, row);
            }
        }
        if (grad is not null) Backward(p, tokens, grad);
        return loss;
    }

    private static Span<float> Grad(float[] grad, LlamaParameters p, string name) => grad.AsSpan(p.ByName[name].Offset, p.ByName[name].Length);

    private void Forward(LlamaParameters p, int[] tokens)
    {
        int T = tokens.Length, d = _s.Dim, f = _s.FeedForward;
        var embd = p.Slice("token_embd.weight");
        var x = _layers.Length > 0 ? _layers[0].XIn : _xFinal;
        for (var t = 0; t < T; t++)
        {
            if ((uint)tokens[t] >= (uint)_s.Vocab) throw new ArgumentException($"Token {tokens[t]} is outside the vocabulary of {_s.Vocab}.");
            embd.Slice(tokens[t] * d, d).CopyTo(x.AsSpan(t * d, d));
        }
        for (var l = 0; l < _layers.Length; l++)
        {
            var L = _layers[l];
            RmsNorm(L.XIn, p.Slice($"blk.{l}.attn_norm.weight"), L.H1, L.Rms1, T);
            LinearRows(L.H1, p.Slice($"blk.{l}.attn_q.weight"), L.Q, T, d, d);
            LinearRows(L.H1, p.Slice($"blk.{l}.attn_k.weight"), L.K, T, d, d);
            LinearRows(L.H1, p.Slice($"blk.{l}.attn_v.weight"), L.V, T, d, d);
            Rope(L.Q, T, inverse: false);
            Rope(L.K, T, inverse: false);
            Attention(L, T);
            LinearRows(L.AttnOut, p.Slice($"blk.{l}.attn_output.weight"), L.XMid, T, d, d);
            TensorPrimitives.Add(L.XMid.AsSpan(0, T * d), L.XIn.AsSpan(0, T * d), L.XMid.AsSpan(0, T * d));
            RmsNorm(L.XMid, p.Slice($"blk.{l}.ffn_norm.weight"), L.H2, L.Rms2, T);
            LinearRows(L.H2, p.Slice($"blk.{l}.ffn_gate.weight"), L.G, T, d, f);
            LinearRows(L.H2, p.Slice($"blk.{l}.ffn_up.weight"), L.U, T, d, f);
            for (var i = 0; i < T * f; i++) L.Act[i] = Silu(L.G[i]) * L.U[i];
            var next = l + 1 < _layers.Length ? _layers[l + 1].XIn : _xFinal;
            LinearRows(L.Act, p.Slice($"blk.{l}.ffn_down.weight"), next, T, f, d);
            TensorPrimitives.Add(next.AsSpan(0, T * d), L.XMid.AsSpan(0, T * d), next.AsSpan(0, T * d));
        }
        RmsNorm(_xFinal, p.Slice("output_norm.weight"), _hFinal, _rmsFinal, T);
    }

    private void Backward(LlamaParameters p, int[] tokens, float[] grad)
    {
        int T = tokens.Length, d = _s.Dim, f = _s.FeedForward;
        var td = T * d;
        // _dh holds d(loss)/d(hFinal); into the residual stream.
        Array.Clear(_dx, 0, td);
        RmsNormBackward(_xFinal, p.Slice("output_norm.weight"), _rmsFinal, _dh, _dx, Grad(grad, p, "output_norm.weight"), T);
        for (var l = _layers.Length - 1; l >= 0; l--)
        {
            var L = _layers[l];
            // FFN: x_out = x_mid + Wdown·act. _dx is d/dx_out and stays as the x_mid residual path.
            Array.Clear(_dAct, 0, T * f);
            LinearRowsBackward(_dx, L.Act, p.Slice($"blk.{l}.ffn_down.weight"), _dAct, Grad(grad, p, $"blk.{l}.ffn_down.weight"), T, f, d);
            for (var i = 0; i < T * f; i++)
            {
                var g = L.G[i];
                var sig = 1 / (1 + MathF.Exp(-g));
                _du[i] = _dAct[i] * g * sig;
                _dg[i] = _dAct[i] * L.U[i] * sig * (1 + g * (1 - sig));
            }
            Array.Clear(_dh, 0, td);
            LinearRowsBackward(_dg, L.H2, p.Slice($"blk.{l}.ffn_gate.weight"), _dh, Grad(grad, p, $"blk.{l}.ffn_gate.weight"), T, d, f);
            LinearRowsBackward(_du, L.H2, p.Slice($"blk.{l}.ffn_up.weight"), _dh, Grad(grad, p, $"blk.{l}.ffn_up.weight"), T, d, f);
            RmsNormBackward(L.XMid, p.Slice($"blk.{l}.ffn_norm.weight"), L.Rms2, _dh, _dx, Grad(grad, p, $"blk.{l}.ffn_norm.weight"), T);
            // Attention: x_mid = x_in + Wo·attn.
            Array.Clear(_dAttn, 0, td);
            LinearRowsBackward(_dx, L.AttnOut, p.Slice($"blk.{l}.attn_output.weight"), _dAttn, Grad(grad, p, $"blk.{l}.attn_output.weight"), T, d, d);
            AttentionBackward(L, T);
            Rope(_dq, T, inverse: true);
            Rope(_dk, T, inverse: true);
            Array.Clear(_dh, 0, td);
            LinearRowsBackward(_dq, L.H1, p.Slice($"blk.{l}.attn_q.weight"), _dh, Grad(grad, p, $"blk.{l}.attn_q.weight"), T, d, d);
            LinearRowsBackward(_dk, L.H1, p.Slice($"blk.{l}.attn_k.weight"), _dh, Grad(grad, p, $"blk.{l}.attn_k.weight"), T, d, d);
            LinearRowsBackward(_dv, L.H1, p.Slice($"blk.{l}.attn_v.weight"), _dh, Grad(grad, p, $"blk.{l}.attn_v.weight"), T, d, d);
            RmsNormBackward(L.XIn, p.Slice($"blk.{l}.attn_norm.weight"), L.Rms1, _dh, _dx, Grad(grad, p, $"blk.{l}.attn_norm.weight"), T);
        }
        var dEmbd = Grad(grad, p, "token_embd.weight");
        for (var t = 0; t < T; t++)
        {
            var row = dEmbd.Slice(tokens[t] * d, d);
            TensorPrimitives.Add(row, _dx.AsSpan(t * d, d), row);
        }
    }

    private void Attention(Layer L, int T)
    {
        int d = _s.Dim, hd = _s.HeadDim;
        var scale = 1 / MathF.Sqrt(hd);
        Array.Clear(L.AttnOut, 0, T * d);
        for (var h = 0; h < _s.Heads; h++)
        {
            for (var t = 0; t < T; t++)
            {
                var q = L.Q.AsSpan(t * d + h * hd, hd);
                var row = L.P.AsSpan((h * _maxT + t) * _maxT, t + 1);
                for (var s = 0; s <= t; s++) row[s] = TensorPrimitives.Dot(q, L.K.AsSpan(s * d + h * hd, hd)) * scale;
                var max = TensorPrimitives.Max(row);
                TensorPrimitives.Subtract(row, max, row);
                TensorPrimitives.Exp(row, row);
                TensorPrimitives.Multiply(row, 1 / TensorPrimitives.Sum(row), row);
                var o = L.AttnOut.AsSpan(t * d + h * hd, hd);
                for (var s = 0; s <= t; s++) TensorPrimitives.MultiplyAdd(L.V.AsSpan(s * d + h * hd, hd), row[s], o, o);
            }
        }
    }

    private void AttentionBackward(Layer L, int T)
    {
        int d = _s.Dim, hd = _s.HeadDim;
        var scale = 1 / MathF.Sqrt(hd);
        Array.Clear(_dq, 0, T * d);
        Array.Clear(_dk, 0, T * d);
        Array.Clear(_dv, 0, T * d);
        for (var h = 0; h < _s.Heads; h++)
        {
            for (var t = 0; t < T; t++)
            {
                var dO = _dAttn.AsSpan(t * d + h * hd, hd);
                var row = L.P.AsSpan((h * _maxT + t) * _maxT, t + 1);
                var dp = _dp.AsSpan(0, t + 1);
                for (var s = 0; s <= t; s++)
                {
                    dp[s] = TensorPrimitives.Dot(dO, L.V.AsSpan(s * d + h * hd, hd));
                    var dv = _dv.AsSpan(s * d + h * hd, hd);
                    TensorPrimitives.MultiplyAdd(dO, row[s], dv, dv);
                }
                var dot = TensorPrimitives.Dot(row, dp);
                var q = L.Q.AsSpan(t * d + h * hd, hd);
                var dq = _dq.AsSpan(t * d + h * hd, hd);
                for (var s = 0; s <= t; s++)
                {
                    var ds = row[s] * (dp[s] - dot) * scale;
                    if (ds == 0) continue;
                    TensorPrimitives.MultiplyAdd(L.K.AsSpan(s * d + h * hd, hd), ds, dq, dq);
                    var dk = _dk.AsSpan(s * d + h * hd, hd);
                    TensorPrimitives.MultiplyAdd(q, ds, dk, dk);
                }
            }
        }
    }

    /// <summary>RoPE in place on every head of [T, dim]; the inverse rotation is the backward pass (rotations are orthogonal).</summary>
    private void Rope(float[] x, int T, bool inverse)
    {
        int d = _s.Dim, hd = _s.HeadDim, half = hd / 2;
        for (var t = 0; t < T; t++)
        {
            for (var h = 0; h < _s.Heads; h++)
            {
                var b = t * d + h * hd;
                for (var i = 0; i < half; i++)
                {
                    var c = _cos[t * half + i];
                    var s = inverse ? -_sin[t * half + i] : _sin[t * half + i];
                    float x0 = x[b + 2 * i], x1 = x[b + 2 * i + 1];
                    x[b + 2 * i] = x0 * c - x1 * s;
                    x[b + 2 * i + 1] = x0 * s + x1 * c;
                }
            }
        }
    }

    private void RmsNorm(float[] x, ReadOnlySpan<float> w, float[] y, float[] rms, int T)
    {
        var d = _s.Dim;
        for (var t = 0; t < T; t++)
        {
            var row = x.AsSpan(t * d, d);
            var r = 1 / MathF.Sqrt(TensorPrimitives.SumOfSquares(row) / d + _s.NormEpsilon);
            rms[t] = r;
            var o = y.AsSpan(t * d, d);
            TensorPrimitives.Multiply(row, r, o);
            TensorPrimitives.Multiply(o, w, o);
        }
    }

    /// <summary>y = w·x·r with r = 1/sqrt(mean(x²)+eps): dx += r·(w·dy) − r³·x·Σ(w·dy·x)/d, dw += dy·x·r.</summary>
    private void RmsNormBackward(float[] x, ReadOnlySpan<float> w, float[] rms, float[] dy, float[] dx, Span<float> dw, int T)
    {
        var d = _s.Dim;
        var wdy = _tmpD.AsSpan(0, d);
        for (var t = 0; t < T; t++)
        {
            var xr = x.AsSpan(t * d, d);
            var dyr = dy.AsSpan(t * d, d);
            var r = rms[t];
            TensorPrimitives.Multiply(dyr, w, wdy);
            var dot = TensorPrimitives.Dot(wdy, xr);
            var dxr = dx.AsSpan(t * d, d);
            TensorPrimitives.MultiplyAdd(wdy, r, dxr, dxr);
            TensorPrimitives.MultiplyAdd(xr, -r * r * r * dot / d, dxr, dxr);
            for (var i = 0; i < d; i++) dw[i] += dyr[i] * xr[i] * r;
        }
    }

    private static void Linear(ReadOnlySpan<float> x, ReadOnlySpan<float> w, Span<float> y, int inDim)
    {
        for (var o = 0; o < y.Length; o++) y[o] = TensorPrimitives.Dot(x, w.Slice(o * inDim, inDim));
    }

    private static void LinearRows(float[] x, ReadOnlySpan<float> w, float[] y, int T, int inDim, int outDim)
    {
        for (var t = 0; t < T; t++) Linear(x.AsSpan(t * inDim, inDim), w, y.AsSpan(t * outDim, outDim), inDim);
    }

    /// <summary>For y = W·x per row: dx += Wᵀ·dy, dW += dy·xᵀ.</summary>
    private static void LinearRowsBackward(float[] dy, float[] x, ReadOnlySpan<float> w, float[] dx, Span<float> dw, int T, int inDim, int outDim)
    {
        for (var t = 0; t < T; t++)
        {
            var xr = x.AsSpan(t * inDim, inDim);
            var dxr = dx.AsSpan(t * inDim, inDim);
            var dyr = dy.AsSpan(t * outDim, outDim);
            for (var o = 0; o < outDim; o++)
            {
                var g = dyr[o];
                if (g == 0) continue;
                TensorPrimitives.MultiplyAdd(w.Slice(o * inDim, inDim), g, dxr, dxr);
                var row = dw.Slice(o * inDim, inDim);
                TensorPrimitives.MultiplyAdd(xr, g, row, row);
            }
        }
    }

    private static float Silu(float x) => x / (1 + MathF.Exp(-x));
}
