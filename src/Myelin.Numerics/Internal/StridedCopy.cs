namespace Myelin.Numerics.Internal;

/// <summary>Row-major gather, scatter and fill over arbitrary element strides.</summary>
internal static class StridedCopy
{
    public static void Gather(Span<float> storage, int offset, int[] shape, int[] strides, Span<float> destination)
    {
        int written = 0;
        Walk(storage, offset, shape, strides, 0, destination, ref written, Mode.Gather, 0f);
    }

    public static void Scatter(ReadOnlySpan<float> source, Span<float> storage, int offset, int[] shape, int[] strides)
    {
        int read = 0;
        // The walk only reads from the span in scatter mode; the cast keeps one recursive routine for all modes.
        Span<float> src = System.Runtime.InteropServices.MemoryMarshal.CreateSpan(
            ref System.Runtime.InteropServices.MemoryMarshal.GetReference(source), source.Length);
        Walk(storage, offset, shape, strides, 0, src, ref read, Mode.Scatter, 0f);
    }

    public static void Fill(Span<float> storage, int offset, int[] shape, int[] strides, float value)
    {
        int unused = 0;
        Walk(storage, offset, shape, strides, 0, [], ref unused, Mode.Fill, value);
    }

    private static void Walk(
        Span<float> storage, int offset, int[] shape, int[] strides, int dim, Span<float> flat, ref int cursor, Mode mode, float value)
    {
        if (shape.Length == 0)
        {
            Apply(ref storage[offset], flat, ref cursor, mode, value);
            return;
        }

        int n = shape[dim];
        int stride = strides[dim];
        if (dim == shape.Length - 1)
        {
            for (int i = 0; i < n; i++)
            {
                Apply(ref storage[offset + (i * stride)], flat, ref cursor, mode, value);
            }

            return;
        }

        for (int i = 0; i < n; i++)
        {
            Walk(storage, offset + (i * stride), shape, strides, dim + 1, flat, ref cursor, mode, value);
        }
    }

    private static void Apply(ref float element, Span<float> flat, ref int cursor, Mode mode, float value)
    {
        switch (mode)
        {
            case Mode.Gather:
                flat[cursor++] = element;
                break;
            case Mode.Scatter:
                element = flat[cursor++];
                break;
            default:
                element = value;
                break;
        }
    }

    private enum Mode
    {
        Gather,
        Scatter,
        Fill,
    }
}
