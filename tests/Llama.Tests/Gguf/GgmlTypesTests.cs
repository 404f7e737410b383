using System.Buffers.Binary;
using BestOfN.Llama.Gguf;

namespace BestOfN.Llama.Tests.Gguf;

public class GgmlTypesTests
{
    public GgmlTypesTests() => _ = TestModels.Tiny; // loads llama.cpp

    [Fact]
    public void The_layout_table_matches_the_loaded_libggml()
    {
        Assert.Equal(Enum.GetValues<GgmlType>().Order(), GgmlTypeLayout.Known.Order());
        foreach (var type in GgmlTypeLayout.Known)
            Assert.Equal(((long)GgmlTypeLayout.BlockSize(type), (long)GgmlTypeLayout.TypeSize(type)), GgmlTypes.NativeLayout(type));
    }

    private static float[] Values(int count, int seed)
    {
        var rng = new Random(seed);
        var values = Enumerable.Range(0, count).Select(_ => (float)((rng.NextDouble() * 2 - 1) * Math.Pow(2, rng.Next(-30, 17)))).ToArray();
        float[] edges = [0f, -0f, 1f, -1f, 65504f, 65520f, 1e9f, -1e9f, 6e-8f, 3e-8f, 2.98e-8f, 1e-40f, float.PositiveInfinity, float.NegativeInfinity, float.NaN,
            BitConverter.Int32BitsToSingle(0x3f808000), BitConverter.Int32BitsToSingle(0x3f818000), BitConverter.Int32BitsToSingle(0x7f7fffff)];
        edges.CopyTo(values, 0);
        return values;
    }

    [Theory]
    [InlineData(GgmlType.F32, 4)]
    [InlineData(GgmlType.F16, 2)]
    [InlineData(GgmlType.BF16, 2)]
    public void Managed_float_conversions_give_ggmls_bytes_and_values(GgmlType type, int size)
    {
        var values = Values(4096, 1);
        var ours = new byte[values.Length * size];
        var ggml = new byte[values.Length * size];
        GgmlTypes.Quantize(type, values, 64, ours);
        GgmlTypes.QuantizeWithGgml(type, values, 64, ggml);
        Assert.Equal(ggml, ours);

        if (type == GgmlType.F32) return; // ggml has no to_float for F32 (it is read as it is)
        var back = new float[values.Length];
        var ggmlBack = new float[values.Length];
        GgmlTypes.Dequantize(type, ours, back);
        GgmlTypes.DequantizeWithGgml(type, ours, ggmlBack);
        Assert.Equal(ggmlBack.Select(BitConverter.SingleToInt32Bits), back.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void Bf16_rounds_to_nearest_even()
    {
        Assert.Equal(0x3f80, GgmlTypes.ToBFloat16(BitConverter.Int32BitsToSingle(0x3f808000))); // tie, even below
        Assert.Equal(0x3f82, GgmlTypes.ToBFloat16(BitConverter.Int32BitsToSingle(0x3f818000))); // tie, even above
        Assert.Equal(0x3f81, GgmlTypes.ToBFloat16(BitConverter.Int32BitsToSingle(0x3f808001)));
    }

    [Fact]
    public void Q8_0_round_trip_stays_within_half_a_step_of_each_blocks_scale()
    {
        var rng = new Random(3);
        var values = Enumerable.Range(0, 64 * 8).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var bytes = new byte[GgmlTypeLayout.RowSize(GgmlType.Q8_0, 64) * 8];
        GgmlTypes.Quantize(GgmlType.Q8_0, values, 64, bytes);
        var back = new float[values.Length];
        GgmlTypes.Dequantize(GgmlType.Q8_0, bytes, back);
        for (var block = 0; block < values.Length / 32; block++)
        {
            // Q8_0 stores d = max|x| / 127 as F16 and round(x / d) as int8 (ggml-quants.c, quantize_row_q8_0_ref).
            var stored = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes.AsSpan(block * 34));
            var step = values.Skip(block * 32).Take(32).Max(MathF.Abs) / 127;
            Assert.Equal(step, stored, step * 1e-3f);
            for (var i = block * 32; i < block * 32 + 32; i++) Assert.True(MathF.Abs(values[i] - back[i]) <= 0.5f * step + 127 * MathF.Abs(stored - step), $"value {i}: {values[i]} came back {back[i]}");
        }
        Assert.NotEqual(values, back);
    }

    [Fact]
    public void Q4_K_round_trip_keeps_the_values_close()
    {
        var rng = new Random(4);
        var values = Enumerable.Range(0, 256 * 4).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var bytes = new byte[GgmlTypeLayout.RowSize(GgmlType.Q4_K, 256) * 4];
        GgmlTypes.Quantize(GgmlType.Q4_K, values, 256, bytes);
        var back = new float[values.Length];
        GgmlTypes.Dequantize(GgmlType.Q4_K, bytes, back);
        // 4 bits over a range of about 2: steps of about 2/15, so no value is off by more than a step.
        Assert.All(values.Zip(back), p => Assert.True(MathF.Abs(p.First - p.Second) < 2f / 15, $"{p.First} came back {p.Second}"));
    }

    [Fact]
    public void Types_that_need_an_importance_matrix_and_rows_that_are_not_whole_blocks_are_refused()
    {
        var values = new float[256];
        Assert.Throws<NotSupportedException>(() => GgmlTypes.Quantize(GgmlType.IQ2_XXS, values, 256, new byte[66]));
        Assert.Throws<ArgumentException>(() => GgmlTypes.Quantize(GgmlType.Q8_0, values, 16, new byte[34 * 8]));
    }
}
