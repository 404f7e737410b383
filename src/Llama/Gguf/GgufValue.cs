using System.Globalization;

namespace BestOfN.Llama.Gguf;

/// <summary>The metadata value types of GGUF (docs/gguf.md, gguf_metadata_value_type).</summary>
public enum GgufValueType : uint
{
    UInt8 = 0, Int8 = 1, UInt16 = 2, Int16 = 3, UInt32 = 4, Int32 = 5, Float32 = 6, Bool = 7, String = 8, Array = 9,
    UInt64 = 10, Int64 = 11, Float64 = 12,
}

/// <summary>
/// A GGUF metadata value: <see cref="Value"/> is the scalar as its CLR type (byte, sbyte, ushort, short, uint, int, float, bool, string,
/// ulong, long, double) or, for <see cref="GgufValueType.Array"/>, a <see cref="GgufArray"/>.
/// </summary>
public sealed record GgufValue(GgufValueType Type, object Value)
{
    public static GgufValue Of(string value) => new(GgufValueType.String, value);

    public static GgufValue Of(uint value) => new(GgufValueType.UInt32, value);

    public static GgufValue Of(double value) => new(GgufValueType.Float64, value);

    public string AsString() => Value as string ?? throw new InvalidDataException($"expected a string, found {Type}");

    /// <summary>An integer of any width, as a long; throws for other types.</summary>
    public long AsInteger() => Value switch
    {
        byte or sbyte or ushort or short or uint or int or long => Convert.ToInt64(Value, CultureInfo.InvariantCulture),
        ulong u when u <= long.MaxValue => (long)u,
        _ => throw new InvalidDataException($"expected an integer, found {Type}"),
    };

    public GgufArray AsArray() => Value as GgufArray ?? throw new InvalidDataException($"expected an array, found {Type}");

    /// <summary>A short rendering for messages: strings quoted, arrays by element type and length.</summary>
    public override string ToString() => Value switch
    {
        string s => $"'{(s.Length > 60 ? s[..60] + "…" : s)}'",
        GgufArray a => $"[{a.Items.Count} × {a.ElementType}]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Value.ToString() ?? "",
    };

    /// <summary>Null when the two values are equal; else where they first differ ("item 312: '▁a' vs '▁b'", "type UInt32 vs Int32").</summary>
    public static string? FirstDifference(GgufValue a, GgufValue b)
    {
        if (a.Type != b.Type) return $"type {a.Type} vs {b.Type}";
        if (a.Value is not GgufArray x || b.Value is not GgufArray y) return a.Value.Equals(b.Value) ? null : $"{a} vs {b}";
        if (x.ElementType != y.ElementType) return $"element type {x.ElementType} vs {y.ElementType}";
        for (var i = 0; i < Math.Min(x.Items.Count, y.Items.Count); i++)
        {
            if (FirstDifference(x.Items[i], y.Items[i]) is { } difference) return $"item {i}: {difference}";
        }
        return x.Items.Count == y.Items.Count ? null : $"{x.Items.Count} vs {y.Items.Count} items";
    }
}

/// <summary>A GGUF array: its element type and its items (arrays may nest).</summary>
public sealed record GgufArray(GgufValueType ElementType, IReadOnlyList<GgufValue> Items);
