using BestOfN.Llama.Native;

namespace BestOfN.Llama.Tests;

public class LlamaSamplerChainTests
{
    private static readonly SamplingParameters Chain = new(Temperature: 0.7f, TopK: 40, TopP: 0.95f, MinP: 0.05f);

    public static TheoryData<string, int, int> Rows => new()
    {
        { "distinct", 8025, 40 },
        { "distinct", 128256, 40 },
        { "distinct", 128256, 200 }, // llama.cpp sorts k > 128 by buckets, not std::partial_sort
        { "half precision", 128256, 40 }, // F16-rounded logits: ties are common
        { "ties inside the top k", 8025, 40 },
        { "tie at the k-th", 8025, 40 },
        { "few distinct values", 8025, 40 },
        { "mostly -inf", 8025, 40 },
        { "k above the vocabulary", 30, 40 },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Top_k_candidates_draw_the_same_tokens_as_the_whole_row(string kind, int vocab, int topK)
    {
        var parameters = Chain with { TopK = topK };
        using var fast = LlamaSamplerChain.Create(parameters, seed: 1234);
        using var whole = LlamaSamplerChain.Create(parameters, seed: 1234);
        whole.WholeRowOnly = true;
        var scratch = new SamplerScratch(vocab);
        var rng = new Random(7);
        var drawn = new HashSet<int>();
        for (var step = 0; step < 60; step++)
        {
            var row = MakeRow(kind, vocab, topK, rng);
            var expected = whole.Sample(row, scratch);
            Assert.Equal(expected, fast.Sample(row, scratch));
            drawn.Add(expected.Id);
        }
        Assert.True(drawn.Count > 1, "the rows should not all draw one token");
    }

    [Fact]
    public void Top_k_candidates_are_the_k_largest_logits_and_refuse_ties_and_nan()
    {
        var rng = new Random(3);
        var row = Enumerable.Range(0, 5000).Select(_ => (float)rng.NextDouble() * 20 - 10).ToArray();
        var candidates = new LlamaTokenData[row.Length];
        var scratch = new TopKScratch();

        Assert.True(TopKCandidates.TrySelect(row, 40, candidates, scratch));
        var expected = Enumerable.Range(0, row.Length).OrderByDescending(i => row[i]).Take(40).Order();
        Assert.Equal(expected, candidates.Take(40).Select(c => c.Id));
        Assert.All(candidates.Take(40), c => Assert.Equal(row[c.Id], c.Logit));

        // The strided sample sees only the high values, so its bar lets fewer than k through: the pass is redone from -inf, filling
        // and compacting the buffer on the way.
        var stride = row.Length / TopKCandidates.SampleSize;
        var skewed = row.Select((x, i) => i % stride == 0 ? 100 + i * 1e-3f : x).ToArray();
        Assert.True(TopKCandidates.TrySelect(skewed, 40, candidates, scratch));
        Assert.Equal(Enumerable.Range(0, row.Length).OrderByDescending(i => skewed[i]).Take(40).Order(), candidates.Take(40).Select(c => c.Id));

        var tieAtK = (float[])row.Clone();
        var sorted = Enumerable.Range(0, row.Length).OrderByDescending(i => row[i]).ToArray();
        tieAtK[sorted[40]] = row[sorted[39]];
        Assert.False(TopKCandidates.TrySelect(tieAtK, 40, candidates, scratch));

        var tieInside = (float[])row.Clone();
        tieInside[sorted[3]] = row[sorted[2]];
        Assert.False(TopKCandidates.TrySelect(tieInside, 40, candidates, scratch));

        var nan = (float[])row.Clone();
        nan[4321] = float.NaN;
        Assert.False(TopKCandidates.TrySelect(nan, 40, candidates, scratch));
        nan = (float[])row.Clone();
        nan[^1] = float.NaN; // in the scalar tail
        Assert.False(TopKCandidates.TrySelect(nan, 40, candidates, scratch));
    }

    [Fact]
    public void A_real_models_logits_take_the_top_k_path()
    {
        using var model = LlamaModel.Load(TestModels.Tiny);
        using var context = LlamaContext.Create(model, new LlamaContextOptions { ContextSize = 256, BatchSize = 64 });
        var batch = new LlamaBatch(64);
        var taken = 0;
        foreach (var text in new[] { "the answer is", "Tom has 3 apples", "12 + 30 =" })
        {
            context.ClearMemory();
            BatchDecoder.Prefill(context, batch, model.Tokenize(text, addSpecial: true, parseSpecial: false), sequence: 0, logitsForLast: true);
            var candidates = new LlamaTokenData[model.VocabSize];
            if (context.ReadLogits(batch.Count - 1, row => TopKCandidates.TrySelect(row, 40, candidates, new TopKScratch()))) taken++;
        }
        Assert.Equal(3, taken);
    }

    [Fact]
    public void Kth_largest_counts_equal_values()
    {
        Assert.Equal(3f, TopKCandidates.KthLargest(new float[] { 1, 3, 5, 3, 2 }, 2));
        Assert.Equal(3f, TopKCandidates.KthLargest(new float[] { 1, 3, 5, 3, 2 }, 3));
        Assert.Equal(2f, TopKCandidates.KthLargest(new float[] { 1, 3, 5, 3, 2 }, 4));
        Assert.Equal(7f, TopKCandidates.KthLargest(new float[] { 7, 7, 7, 7 }, 4));
    }

    private static float[] MakeRow(string kind, int vocab, int topK, Random rng)
    {
        var row = new float[vocab];
        for (var i = 0; i < vocab; i++) row[i] = (float)(NextGaussian(rng) * 3);
        var order = Enumerable.Range(0, vocab).OrderByDescending(i => row[i]).ToArray();
        switch (kind)
        {
            case "half precision":
                for (var i = 0; i < vocab; i++) row[i] = (float)(Half)row[i];
                break;
            case "ties inside the top k":
                row[order[5]] = row[order[1]];
                row[order[9]] = row[order[8]];
                break;
            case "tie at the k-th":
                row[order[topK]] = row[order[topK - 1]];
                break;
            case "few distinct values":
                for (var i = 0; i < vocab; i++) row[i] = MathF.Round(row[i]);
                break;
            case "mostly -inf":
                for (var i = 0; i < vocab; i++)
                {
                    if (i % 500 != 0) row[i] = float.NegativeInfinity;
                }
                break;
        }
        return row;
    }

    private static double NextGaussian(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
