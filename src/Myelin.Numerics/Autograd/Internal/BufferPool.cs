namespace Myelin.Numerics.Autograd.Internal;

/// <summary>
/// Exact-size free lists of float arrays. A training step asks for the same sizes every time, so after the first
/// step every request is a hit and the step allocates nothing large (which would otherwise land on the LOH).
/// </summary>
internal sealed class BufferPool
{
    private readonly Dictionary<int, Stack<float[]>> _free = [];

    public float[] Rent(int length, bool clear)
    {
        if (length == 0)
        {
            return [];
        }

        if (_free.TryGetValue(length, out Stack<float[]>? stack) && stack.TryPop(out float[]? array))
        {
            if (clear)
            {
                Array.Clear(array);
            }

            return array;
        }

        return clear ? new float[length] : GC.AllocateUninitializedArray<float>(length);
    }

    public void Return(float[]? array)
    {
        if (array is null || array.Length == 0)
        {
            return;
        }

        if (!_free.TryGetValue(array.Length, out Stack<float[]>? stack))
        {
            stack = new Stack<float[]>();
            _free.Add(array.Length, stack);
        }

        stack.Push(array);
    }

    public void Clear() => _free.Clear();
}
