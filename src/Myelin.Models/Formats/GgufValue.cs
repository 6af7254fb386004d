using System.Globalization;

namespace Myelin.Models.Formats;

/// <summary>
/// One typed GGUF metadata value: a scalar, a string, or a flat array of scalars or strings.
/// </summary>
/// <remarks>
/// Instances are immutable and thread-safe. Arrays are copied on creation and exposed read-only.
/// Nested arrays (arrays of arrays) are not supported, matching ggml's own reader.
/// Equality is structural: same type tag, same element type and equal contents.
/// </remarks>
public sealed class GgufValue : IEquatable<GgufValue>
{
    private readonly object _value;

    private GgufValue(GgufValueType type, GgufValueType elementType, object value)
    {
        Type = type;
        ElementType = elementType;
        _value = value;
    }

    /// <summary>The value's type tag.</summary>
    public GgufValueType Type { get; }

    /// <summary>For arrays, the element type tag; for other values, the same as <see cref="Type"/>.</summary>
    public GgufValueType ElementType { get; }

    /// <summary>The raw value: a boxed scalar, a <see cref="string"/>, or a typed array (e.g. <c>float[]</c>, <c>string[]</c>).</summary>
    public object RawValue => _value;

    /// <summary>For arrays, the number of elements; otherwise 1.</summary>
    public int Count => _value is Array a ? a.Length : 1;

    /// <summary>Creates a <see cref="GgufValueType.UInt8"/> value.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The metadata value.</returns>
    public static GgufValue FromUInt8(byte value) => new(GgufValueType.UInt8, GgufValueType.UInt8, value);

    /// <summary>Creates a <see cref="GgufValueType.Int8"/> value.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The metadata value.</returns>
    public static GgufValue FromInt8(sbyte value) => new(GgufValueType.Int8, GgufValueType.Int8, value);

    /// <summary>Creates a <see cref="GgufValueType.UInt16"/> value.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The metadata value.</returns>
    public static GgufValue FromUInt16(ushort value) => new(GgufValueType.UInt16, GgufValueType.UInt16, value);

    /// <summary>Creates a <see cref="GgufValueType.Int16"/> value.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The metadata value.</returns>
    public static GgufValue FromInt16(short value) => new(GgufValueType.Int16, GgufValueType.Int16, value);

    /// <summary>Creates a <see cref="GgufValueType.UInt32"/> value.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The metadata value.</returns>
    public static GgufValue FromUInt32(uint value) => new(GgufValueType.UInt32, GgufValueType.UInt32, value);

    /// <summary>Creates a <see cref="GgufValueType.Int32"/> value.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The metadata value.</returns>
    public static GgufValue FromInt32(int value) => new(GgufValueType.Int32, GgufValueType.Int32, value);

    /// <summary>Creates a <see cref="GgufValueType.UInt64"/> value.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The metadata value.</returns>
    public static GgufValue FromUInt64(ulong value) => new(GgufValueType.UInt64, GgufValueType.UInt64, value);

    /// <summary>Creates a <see cref="GgufValueType.Int64"/> value.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The metadata value.</returns>
    public static GgufValue FromInt64(long value) => new(GgufValueType.Int64, GgufValueType.Int64, value);

    /// <summary>Creates a <see cref="GgufValueType.Float32"/> value.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The metadata value.</returns>
    public static GgufValue FromFloat32(float value) => new(GgufValueType.Float32, GgufValueType.Float32, value);

    /// <summary>Creates a <see cref="GgufValueType.Float64"/> value.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The metadata value.</returns>
    public static GgufValue FromFloat64(double value) => new(GgufValueType.Float64, GgufValueType.Float64, value);

    /// <summary>Creates a <see cref="GgufValueType.Bool"/> value.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The metadata value.</returns>
    public static GgufValue FromBool(bool value) => new(GgufValueType.Bool, GgufValueType.Bool, value);

    /// <summary>Creates a <see cref="GgufValueType.String"/> value.</summary>
    /// <param name="value">The string; written as UTF-8.</param>
    /// <returns>The metadata value.</returns>
    public static GgufValue FromString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(GgufValueType.String, GgufValueType.String, value);
    }

    /// <summary>
    /// Creates an array value. <typeparamref name="T"/> must be one of the scalar CLR types that map to a GGUF
    /// type (<see cref="byte"/>, <see cref="sbyte"/>, <see cref="ushort"/>, <see cref="short"/>, <see cref="uint"/>,
    /// <see cref="int"/>, <see cref="ulong"/>, <see cref="long"/>, <see cref="float"/>, <see cref="double"/>,
    /// <see cref="bool"/>) or <see cref="string"/>.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="values">The elements; copied.</param>
    /// <returns>The metadata value.</returns>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> has no GGUF equivalent, or a string element is null.</exception>
    public static GgufValue FromArray<T>(ReadOnlySpan<T> values)
    {
        GgufValueType element = ElementTypeOf(typeof(T))
            ?? throw new ArgumentException($"Type {typeof(T).Name} has no GGUF equivalent.", nameof(values));
        T[] copy = values.ToArray();
        if (copy is string?[] strings && Array.IndexOf(strings, null) >= 0)
        {
            throw new ArgumentException("String arrays may not contain null.", nameof(values));
        }

        return new(GgufValueType.Array, element, copy);
    }

    /// <summary>Wraps an array the reader already owns, without copying.</summary>
    internal static GgufValue FromOwnedArray(GgufValueType elementType, Array values) =>
        new(GgufValueType.Array, elementType, values);

    /// <summary>Wraps a scalar the reader decoded.</summary>
    internal static GgufValue FromScalar(GgufValueType type, object value) => new(type, type, value);

    /// <summary>Returns the value as a string.</summary>
    /// <returns>The string.</returns>
    /// <exception cref="InvalidOperationException">The value is not a string.</exception>
    public string AsString() => _value as string
        ?? throw new InvalidOperationException($"GGUF value is {Type}, not String.");

    /// <summary>Returns the value as a boolean.</summary>
    /// <returns>The boolean.</returns>
    /// <exception cref="InvalidOperationException">The value is not a boolean.</exception>
    public bool AsBool() => _value is bool b ? b : throw new InvalidOperationException($"GGUF value is {Type}, not Bool.");

    /// <summary>Returns an integer scalar of any width and signedness as <see cref="long"/>.</summary>
    /// <returns>The integer.</returns>
    /// <exception cref="InvalidOperationException">The value is not an integer, or is a UInt64 above <see cref="long.MaxValue"/>.</exception>
    public long AsInt64() => _value switch
    {
        byte v => v,
        sbyte v => v,
        ushort v => v,
        short v => v,
        uint v => v,
        int v => v,
        long v => v,
        ulong v when v <= long.MaxValue => (long)v,
        _ => throw new InvalidOperationException($"GGUF value is {Type}, not an integer that fits in Int64."),
    };

    /// <summary>Returns a numeric scalar (integer or float) as <see cref="double"/>.</summary>
    /// <returns>The number.</returns>
    /// <exception cref="InvalidOperationException">The value is not numeric.</exception>
    public double AsDouble() => _value switch
    {
        float f => f,
        double d => d,
        ulong u => u,
        bool => throw new InvalidOperationException($"GGUF value is {Type}, not numeric."),
        string => throw new InvalidOperationException($"GGUF value is {Type}, not numeric."),
        Array => throw new InvalidOperationException($"GGUF value is {Type}, not numeric."),
        _ => AsInt64(),
    };

    /// <summary>Returns the elements of an array value.</summary>
    /// <typeparam name="T">The CLR element type matching <see cref="ElementType"/>.</typeparam>
    /// <returns>The elements, read-only.</returns>
    /// <exception cref="InvalidOperationException">The value is not an array of <typeparamref name="T"/>.</exception>
    public ReadOnlySpan<T> AsArray<T>() => _value is T[] a
        ? a
        : throw new InvalidOperationException($"GGUF value is {Type} of {ElementType}, not an array of {typeof(T).Name}.");

    /// <inheritdoc />
    public bool Equals(GgufValue? other)
    {
        if (other is null || other.Type != Type || other.ElementType != ElementType)
        {
            return false;
        }

        if (_value is Array a && other._value is Array b)
        {
            if (a.Length != b.Length)
            {
                return false;
            }

            for (int i = 0; i < a.Length; i++)
            {
                if (!Equals(a.GetValue(i), b.GetValue(i)))
                {
                    return false;
                }
            }

            return true;
        }

        return _value.Equals(other._value);
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as GgufValue);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Type, ElementType, _value is Array a ? a.Length : _value.GetHashCode());

    /// <inheritdoc />
    public override string ToString() => _value is Array a
        ? string.Create(CultureInfo.InvariantCulture, $"{ElementType}[{a.Length}]")
        : Convert.ToString(_value, CultureInfo.InvariantCulture) ?? string.Empty;

    internal static GgufValueType? ElementTypeOf(Type t) =>
        t == typeof(byte) ? GgufValueType.UInt8
        : t == typeof(sbyte) ? GgufValueType.Int8
        : t == typeof(ushort) ? GgufValueType.UInt16
        : t == typeof(short) ? GgufValueType.Int16
        : t == typeof(uint) ? GgufValueType.UInt32
        : t == typeof(int) ? GgufValueType.Int32
        : t == typeof(ulong) ? GgufValueType.UInt64
        : t == typeof(long) ? GgufValueType.Int64
        : t == typeof(float) ? GgufValueType.Float32
        : t == typeof(double) ? GgufValueType.Float64
        : t == typeof(bool) ? GgufValueType.Bool
        : t == typeof(string) ? GgufValueType.String
        : null;
}
