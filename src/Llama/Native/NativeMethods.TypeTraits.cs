using System.Runtime.InteropServices;

namespace BestOfN.Llama.Native;

// ggml.h's type traits and quantization (in libggml-base): how each tensor type converts to and from float.
internal static partial class NativeMethods
{
    internal const string GgmlBaseLibrary = "ggml-base";

    [LibraryImport(GgmlBaseLibrary)]
    internal static unsafe partial GgmlTypeTraits* ggml_get_type_traits(int type);

    [LibraryImport(GgmlBaseLibrary)]
    internal static partial long ggml_blck_size(int type);

    [LibraryImport(GgmlBaseLibrary)]
    internal static partial nuint ggml_type_size(int type);

    [LibraryImport(GgmlBaseLibrary)]
    [return: MarshalAs(UnmanagedType.U1)]
    internal static partial bool ggml_quantize_requires_imatrix(int type);

    /// <summary>Quantizes <paramref name="rows"/> rows of <paramref name="rowLength"/> floats; returns the bytes written.</summary>
    [LibraryImport(GgmlBaseLibrary)]
    internal static unsafe partial nuint ggml_quantize_chunk(int type, float* source, void* destination, long start, long rows, long rowLength, float* importance);
}

/// <summary>struct ggml_type_traits (ggml.h); we read its sizes and the to_float function.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct GgmlTypeTraits
{
    public nint TypeName;
    public long BlockSize;
    public long BlockSizeInterleave;
    public nuint TypeSize;
    [MarshalAs(UnmanagedType.U1)] public bool IsQuantized;
    public delegate* unmanaged[Cdecl]<void*, float*, long, void> ToFloat;
    public nint FromFloatReference;
}
