using System.Runtime.InteropServices;
using Myelin.Models.Layers;
using Myelin.Numerics.Autograd;
using Myelin.Numerics.Quantization;

namespace Myelin.Models.Formats;

/// <summary>Saves and loads any <see cref="Module"/>'s parameters as safetensors, keyed by parameter name.</summary>
/// <remarks>Shapes are stored as in memory (outermost first, PyTorch order). F32 round-trips exactly.</remarks>
public static class ModuleSafetensors
{
    /// <summary>Writes every parameter of <paramref name="module"/>.</summary>
    /// <param name="module">The module.</param>
    /// <param name="path">Destination (replaced).</param>
    /// <param name="dtype">Storage type.</param>
    /// <param name="metadata">Optional <c>__metadata__</c> entries.</param>
    public static void Save(Module module, string path, SafetensorsDType dtype = SafetensorsDType.F32, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        var w = new SafetensorsWriter();
        foreach (KeyValuePair<string, string> kv in metadata ?? new Dictionary<string, string>())
        {
            w.AddMetadata(kv.Key, kv.Value);
        }

        foreach (KeyValuePair<string, Variable> kv in module.NamedParameters())
        {
            Variable p = kv.Value;
            byte[] bytes = dtype switch
            {
                SafetensorsDType.F32 => MemoryMarshal.AsBytes(p.Data).ToArray(),
                SafetensorsDType.F16 => ToHalfBytes(p.Data),
                _ => ToBf16Bytes(p.Data),
            };
            long[] shape = [.. p.Shape.ToArray().Select(d => (long)d)];
            w.AddTensor(kv.Key, dtype, shape, bytes);
        }

        w.WriteTo(path);
    }

    /// <summary>Loads parameters by name into <paramref name="module"/>; every parameter must be present with its shape.</summary>
    /// <param name="module">The module to fill.</param>
    /// <param name="path">The file.</param>
    /// <exception cref="ModelFormatException">A parameter is missing or has another shape.</exception>
    public static void Load(Module module, string path)
    {
        ArgumentNullException.ThrowIfNull(module);
        using SafetensorsFile file = SafetensorsFile.Open(path);
        foreach (KeyValuePair<string, Variable> kv in module.NamedParameters())
        {
            if (!file.TryGetTensor(kv.Key, out SafetensorsTensorInfo? t))
            {
                throw new ModelFormatException($"safetensors file has no tensor '{kv.Key}'.");
            }

            Variable p = kv.Value;
            if (!t.Shape.SequenceEqual([.. p.Shape.ToArray().Select(d => (long)d)]))
            {
                throw new ModelFormatException($"safetensors tensor '{kv.Key}' has shape [{string.Join(", ", t.Shape.ToArray())}].");
            }

            ReadOnlySpan<byte> data = file.GetTensorData(t);
            switch (t.DType)
            {
                case SafetensorsDType.F32:
                    MemoryMarshal.Cast<byte, float>(data).CopyTo(p.Data);
                    break;
                case SafetensorsDType.F16:
                    FloatConversions.FromHalf(MemoryMarshal.Cast<byte, Half>(data), p.Data);
                    break;
                default:
                    FloatConversions.FromBFloat16(MemoryMarshal.Cast<byte, ushort>(data), p.Data);
                    break;
            }
        }
    }

    private static byte[] ToHalfBytes(ReadOnlySpan<float> values)
    {
        var h = new Half[values.Length];
        FloatConversions.ToHalf(values, h);
        return MemoryMarshal.AsBytes(h.AsSpan()).ToArray();
    }

    private static byte[] ToBf16Bytes(ReadOnlySpan<float> values)
    {
        var b = new ushort[values.Length];
        FloatConversions.ToBFloat16(values, b);
        return MemoryMarshal.AsBytes(b.AsSpan()).ToArray();
    }
}
