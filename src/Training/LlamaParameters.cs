using BestOfN.Llama.Gguf;

namespace BestOfN.Training;

/// <summary>One tensor of <see cref="LlamaParameters"/>: its GGUF name, where it lies in the flat array, and its ggml shape (ne0 first).</summary>
public sealed record ParameterTensor(string Name, int Offset, int Length, long[] Shape)
{
    /// <summary>A norm weight (1-D): no weight decay.</summary>
    public bool IsNorm => Shape.Length == 1;
}

/// <summary>
/// All weights of a <see cref="LlamaShape"/> in one flat array (so the optimizer and the gradient are one array each). Matrices are
/// row-major [out][in], which is ggml's [in, out] layout: a GGUF tensor is a slice, written as is.
/// </summary>
public sealed class LlamaParameters
{
    public LlamaParameters(LlamaShape shape)
    {
        if (shape.Validate() is { Count: > 0 } errors) throw new ArgumentException(string.Join(" ", errors));
        Shape = shape;
        var tensors = new List<ParameterTensor>();
        var offset = 0;
        void Add(string name, params long[] ggmlShape)
        {
            var length = (int)ggmlShape.Aggregate(1L, (a, b) => a * b);
            tensors.Add(new ParameterTensor(name, offset, length, ggmlShape));
            offset += length;
        }
        int d = shape.Dim, f = shape.FeedForward;
        Add("token_embd.weight", d, shape.Vocab);
        for (var l = 0; l < shape.Layers; l++)
        {
            Add($"blk.{l}.attn_norm.weight", d);
            Add($"blk.{l}.attn_q.weight", d, d);
            Add($"blk.{l}.attn_k.weight", d, d);
            Add($"blk.{l}.attn_v.weight", d, d);
            Add($"blk.{l}.attn_output.weight", d, d);
            Add($"blk.{l}.ffn_norm.weight", d);
            Add($"blk.{l}.ffn_gate.weight", d, f);
            Add($"blk.{l}.ffn_up.weight", d, f);
            Add($"blk.{l}.ffn_down.weight", f, d);
        }
        Add("output_norm.weight", d);
        Add("output.weight", d, shape.Vocab);
        Tensors = tensors;
        ByName = tensors.ToDictionary(t => t.Name);
        Data = new float[offset];
    }

    public LlamaShape Shape { get; }

    public float[] Data { get; }

    public IReadOnlyList<ParameterTensor> Tensors { get; }

    public IReadOnlyDictionary<string, ParameterTensor> ByName { get; }

    public int Count => Data.Length;

    public Span<float> Slice(string name) => Data.AsSpan(ByName[name].Offset, ByName[name].Length);

    /// <summary>Norms at 1; matrices Gaussian with std 1/sqrt(fan-in), the residual outputs scaled down by sqrt(2·layers) (GPT-2's
    /// scheme); embeddings with std 1, so the residual stream starts at unit size.</summary>
    public static LlamaParameters Initialize(LlamaShape shape, int seed)
    {
        var p = new LlamaParameters(shape);
        var rng = new Random(seed);
        var residualScale = 1 / MathF.Sqrt(2f * shape.Layers);
        foreach (var t in p.Tensors)
        {
            var span = p.Data.AsSpan(t.Offset, t.Length);
            if (t.IsNorm)
            {
                span.Fill(1f);
                continue;
            }
            var fanIn = (int)t.Shape[0];
            var std = t.Name switch
            {
                "token_embd.weight" => 1f,
                _ when t.Name.EndsWith("attn_output.weight", StringComparison.Ordinal) || t.Name.EndsWith("ffn_down.weight", StringComparison.Ordinal) => residualScale / MathF.Sqrt(fanIn),
                _ => 1 / MathF.Sqrt(fanIn),
            };
            for (var i = 0; i < span.Length; i++) span[i] = std * Gaussian(rng);
        }
        return p;
    }

    private static float Gaussian(Random rng)
    {
        // Box–Muller.
        var u1 = 1 - rng.NextDouble();
        var u2 = rng.NextDouble();
        return (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }

    public LlamaParameters Clone()
    {
        var copy = new LlamaParameters(Shape);
        Data.CopyTo(copy.Data, 0);
        return copy;
    }

    /// <summary>Writes the weights as a llama GGUF with <paramref name="spec"/>'s vocabulary, template and metadata (F32 tensors).</summary>
    public void WriteGguf(string path, TinyLlamaSpec spec)
    {
        var vocab = TinyLlamaModel.Vocabulary(spec).Count;
        if (vocab != Shape.Vocab || spec.EmbeddingSize != Shape.Dim || spec.Layers != Shape.Layers || spec.Heads != Shape.Heads
            || spec.KvHeads != Shape.Heads || spec.FeedForwardSize != Shape.FeedForward)
        {
            throw new ArgumentException($"The GGUF spec ({vocab} tokens, {spec.EmbeddingSize} wide, {spec.Layers} layers, {spec.Heads}/{spec.KvHeads} heads, " +
                $"feed-forward {spec.FeedForwardSize}) does not match the trained shape {Shape}.");
        }

        TinyLlamaModel.Write(path, spec with { TensorType = GgufWriter.TensorType.F32 }, (name, ggmlShape) =>
        {
            var t = ByName.TryGetValue(name, out var found) ? found : throw new InvalidOperationException($"No trained tensor {name}.");
            if (!t.Shape.SequenceEqual(ggmlShape)) throw new InvalidOperationException($"Tensor {name}: trained shape [{string.Join(", ", t.Shape)}], GGUF wants [{string.Join(", ", ggmlShape)}].");
            return Data.AsSpan(t.Offset, t.Length).ToArray();
        });
    }

    /// <summary>Saves the raw weights (a checkpoint, so a stopped training resumes).</summary>
    public void Save(string path)
    {
        var tmp = path + ".partial";
        using (var w = new BinaryWriter(File.Create(tmp)))
        {
            w.Write(Data.Length);
            foreach (var v in Data) w.Write(v);
        }
        File.Move(tmp, path, overwrite: true);
    }

    public static LlamaParameters Load(string path, LlamaShape shape)
    {
        var p = new LlamaParameters(shape);
        using var r = new BinaryReader(File.OpenRead(path));
        var n = r.ReadInt32();
        if (n != p.Count) throw new InvalidDataException($"{path} holds {n} weights; the shape {shape} has {p.Count}.");
        for (var i = 0; i < n; i++) p.Data[i] = r.ReadSingle();
        return p;
    }
}
