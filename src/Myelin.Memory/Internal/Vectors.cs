using System.Numerics.Tensors;

namespace Myelin.Memory.Internal;

/// <summary>Vector helpers: everything stored or searched is L2-normalised so a dot product is the cosine.</summary>
internal static class Vectors
{
    public static float[] Normalized(ReadOnlySpan<float> source)
    {
        float[] v = source.ToArray();
        float norm = TensorPrimitives.Norm(v);
        if (norm > 0 && float.IsFinite(norm))
        {
            TensorPrimitives.Divide(v, norm, v);
        }

        return v;
    }
}
