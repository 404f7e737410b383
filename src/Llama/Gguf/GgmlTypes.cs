using System.Buffers.Binary;
using BestOfN.Llama.Native;

namespace BestOfN.Llama.Gguf;

/// <summary>
/// Conversion of tensor data to and from float. F32, F16 and BF16 are converted here; every other type goes through ggml's own type
/// traits (ggml_get_type_traits(type)->to_float, ggml_quantize_chunk) from the libggml llama.cpp loads, so a quantized tensor reads and
/// writes exactly as llama.cpp's own quantize tool would.
/// </summary>
public static class GgmlTypes
{
    /// <summary>Whether this type is converted in managed code (no native library needed).</summary>
    public static bool IsFloat(GgmlType type) => type is GgmlType.F32 or GgmlType.F16 or GgmlType.BF16;

    /// <summary>Decodes whole rows of <paramref name="type"/> data into floats; <paramref name="destination"/> holds exactly the values.</summary>
    public static void Dequantize(GgmlType type, ReadOnlySpan<byte> source, Span<float> destination)
    {
        CheckSizes(type, source.Length, destination.Length);
        switch (type)
        {
            case GgmlType.F32:
                for (var i = 0; i < destination.Length; i++) destination[i] = BinaryPrimitives.ReadSingleLittleEndian(source[(4 * i)..]);
                return;
            case GgmlType.F16:
                for (var i = 0; i < destination.Length; i++) destination[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(source[(2 * i)..]);
                return;
            case GgmlType.BF16:
                for (var i = 0; i < destination.Length; i++) destination[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(source[(2 * i)..]) << 16);
                return;
        }
        DequantizeWithGgml(type, source, destination);
    }

    /// <summary>ggml's own to_float for any type (the float types included, so tests can hold our conversions against ggml's).</summary>
    internal static void DequantizeWithGgml(GgmlType type, ReadOnlySpan<byte> source, Span<float> destination)
    {
        CheckSizes(type, source.Length, destination.Length);
        unsafe
        {
            var toFloat = Traits(type)->ToFloat;
            if (toFloat is null) throw new NotSupportedException($"ggml has no conversion from {type} to float.");
            fixed (byte* x = source)
            fixed (float* y = destination)
            {
                toFloat(x, y, destination.Length);
            }
        }
    }

    /// <summary>
    /// Encodes rows of <paramref name="rowLength"/> floats as <paramref name="type"/>; <paramref name="destination"/> must be exactly
    /// the rows' size (<see cref="GgmlTypeLayout.RowSize"/> times the row count). Types that need an importance matrix are refused.
    /// </summary>
    public static void Quantize(GgmlType type, ReadOnlySpan<float> source, long rowLength, Span<byte> destination)
    {
        if (rowLength <= 0 || source.Length % rowLength != 0) throw new ArgumentException($"{source.Length} values are not whole rows of {rowLength}.");
        var rows = source.Length / rowLength;
        var expected = GgmlTypeLayout.RowSize(type, rowLength) * rows;
        if (destination.Length != expected) throw new ArgumentException($"{rows} rows of {rowLength} {type} values take {expected} bytes, not {destination.Length}.");
        switch (type)
        {
            case GgmlType.F32:
                for (var i = 0; i < source.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(destination[(4 * i)..], source[i]);
                return;
            case GgmlType.F16:
                // The conversion rounds to nearest, ties to even, as ggml's fp32-to-fp16 does.
                for (var i = 0; i < source.Length; i++) BinaryPrimitives.WriteHalfLittleEndian(destination[(2 * i)..], (Half)source[i]);
                return;
            case GgmlType.BF16:
                for (var i = 0; i < source.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(destination[(2 * i)..], ToBFloat16(source[i]));
                return;
        }
        QuantizeWithGgml(type, source, rowLength, destination);
    }

    /// <summary>ggml_quantize_chunk for any type (the float types included, so tests can hold our conversions against ggml's).</summary>
    internal static void QuantizeWithGgml(GgmlType type, ReadOnlySpan<float> source, long rowLength, Span<byte> destination)
    {
        var rows = source.Length / rowLength;
        var expected = GgmlTypeLayout.RowSize(type, rowLength) * rows;
        if (source.Length % rowLength != 0 || destination.Length != expected) throw new ArgumentException($"{source.Length} values are not whole rows of {rowLength} {type} values in {destination.Length} bytes.");
        LlamaRuntime.EnsureLoaded();
        if (NativeMethods.ggml_quantize_requires_imatrix((int)type))
            throw new NotSupportedException($"{type} needs an importance matrix, which this conversion does not have; choose another type.");
        unsafe
        {
            fixed (float* x = source)
            fixed (byte* y = destination)
            {
                var written = NativeMethods.ggml_quantize_chunk((int)type, x, y, 0, rows, rowLength, null);
                if ((long)written != expected) throw new LlamaException($"ggml_quantize_chunk wrote {written} bytes of {type}, expected {expected}.");
            }
        }
    }

    /// <summary>Whether ggml can write this type only with an importance matrix (IQ2_XXS and the like), which we do not have.</summary>
    public static bool NeedsImportanceMatrix(GgmlType type)
    {
        if (IsFloat(type)) return false;
        LlamaRuntime.EnsureLoaded();
        return NativeMethods.ggml_quantize_requires_imatrix((int)type);
    }

    /// <summary>ggml's own block size and bytes per block of a type, from the loaded library.</summary>
    public static (long BlockSize, long TypeSize) NativeLayout(GgmlType type)
    {
        LlamaRuntime.EnsureLoaded();
        return (NativeMethods.ggml_blck_size((int)type), (long)NativeMethods.ggml_type_size((int)type));
    }

    /// <summary>fp32 to bfloat16, rounding to nearest even; NaN stays a (quiet) NaN, as ggml's conversion does.</summary>
    public static ushort ToBFloat16(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if ((bits & 0x7fffffff) > 0x7f800000) return (ushort)((bits >> 16) | 0x40);
        return (ushort)((bits + 0x7fff + ((bits >> 16) & 1)) >> 16);
    }

    private static unsafe GgmlTypeTraits* Traits(GgmlType type)
    {
        LlamaRuntime.EnsureLoaded();
        var traits = NativeMethods.ggml_get_type_traits((int)type);
        if (traits is null) throw new NotSupportedException($"ggml knows no type {type}.");
        return traits;
    }

    private static void CheckSizes(GgmlType type, long bytes, long values)
    {
        var block = GgmlTypeLayout.BlockSize(type);
        if (values % block != 0 || bytes != values / block * GgmlTypeLayout.TypeSize(type))
            throw new ArgumentException($"{bytes} bytes of {type} do not hold exactly {values} values.");
    }
}
