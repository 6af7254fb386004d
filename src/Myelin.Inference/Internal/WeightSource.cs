using Myelin.Models.Formats;
using Myelin.Numerics;

namespace Myelin.Inference.Internal;

/// <summary>
/// Where a model's weight matrices are read: in place in the file's mapping (<see cref="WeightPlacement.Mapped"/>), or
/// a copy of the file's tensor data made at load (<see cref="WeightPlacement.Resident"/>).
/// </summary>
internal sealed unsafe class WeightSource : IDisposable
{
    private readonly GgufFile _file;
    private readonly NativeMemoryBlock? _copy;

    private WeightSource(GgufFile file, NativeMemoryBlock? copy)
    {
        _file = file;
        _copy = copy;
    }

    /// <summary>Prepares the weights of <paramref name="file"/> for <paramref name="placement"/>, copying them if resident.</summary>
    public static WeightSource Create(GgufFile file, WeightPlacement placement)
    {
        if (placement == WeightPlacement.Mapped || file.Tensors.Count == 0)
        {
            return new WeightSource(file, null);
        }

        // One copy of the whole tensor-data region, so a tensor sits at its file offset in the block.
        long extent = file.Tensors.Max(t => t.Offset + t.ByteSize);
        GgufTensorInfo first = file.Tensors[0];
        byte* data = file.GetTensorPointer(first) - first.Offset;
        NativeMemoryBlock copy = NativeMemoryBlock.Allocate(Math.Max(1, extent));
        Buffer.MemoryCopy(data, copy.Pointer, copy.Length, extent);
        return new WeightSource(file, copy);
    }

    /// <summary>The first byte of <paramref name="tensor"/>'s data, valid until the model is disposed.</summary>
    public byte* Pointer(GgufTensorInfo tensor) => _copy is null ? _file.GetTensorPointer(tensor) : _copy.Pointer + tensor.Offset;

    public void Dispose() => _copy?.Dispose();
}
