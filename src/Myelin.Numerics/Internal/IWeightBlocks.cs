using System.Runtime.Intrinsics;

namespace Myelin.Numerics.Internal;

/// <summary>A quantised weight block format as <see cref="QuantMatMul"/> reads it; a struct parameter so the JIT specialises the kernel.</summary>
internal unsafe interface IWeightBlocks
{
    /// <summary>Bytes per block.</summary>
    static abstract int Stride { get; }

    /// <summary>Offset of the quants within a block (2: after the fp16 scale).</summary>
    static abstract int QuantOffset { get; }

    /// <summary>
    /// The block's 32 quants as the unsigned operand of <c>vpdpbusd</c>, in element order, from the quant bytes at
    /// <paramref name="quants"/> (block + <see cref="QuantOffset"/>); the prepared bias removes the offset (see
    /// <see cref="QuantMatMul"/>).
    /// </summary>
    static abstract Vector256<byte> Unpack(byte* quants);
}
