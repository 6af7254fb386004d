namespace Myelin.Numerics.Autograd;

/// <summary>
/// A node of the autograd graph: a row-major contiguous float32 value with a shape and, when it takes part in
/// differentiation, a gradient of the same shape.
/// </summary>
/// <remarks>
/// <para><b>Kinds.</b> <see cref="Parameter"/> creates a trainable leaf whose data and gradient live as long as the
/// variable; gradients accumulate across <see cref="Tape.Backward(Variable)"/> calls until <see cref="ZeroGrad"/>.
/// <see cref="Constant"/> creates a leaf that never receives a gradient. Every other variable is produced by an
/// operation on a <see cref="Tape"/>, which owns its buffers: after <see cref="Tape.Reset"/> such a variable is
/// released and reading it throws.</para>
/// <para><b>Thread-safety.</b> None; a variable belongs to one tape and one thread at a time.</para>
/// </remarks>
public sealed class Variable
{
    private readonly int[] _shape;
    private float[]? _data;
    private float[]? _grad;

    internal Variable(int[] shape, float[] data, bool requiresGrad, bool isLeaf)
    {
        _shape = shape;
        _data = data;
        RequiresGrad = requiresGrad;
        IsLeaf = isLeaf;
        Length = ShapeLength(shape);
    }

    /// <summary>The dimensions, outermost first.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>The number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>The number of elements.</summary>
    public int Length { get; }

    /// <summary>Whether gradients flow into this variable.</summary>
    public bool RequiresGrad { get; }

    /// <summary>Whether this is a parameter or constant created by the caller rather than by an operation.</summary>
    public bool IsLeaf { get; }

    /// <summary>An optional name, used by model code for parameter enumeration and diagnostics.</summary>
    public string? Name { get; set; }

    /// <summary>The values, row-major.</summary>
    /// <exception cref="ObjectDisposedException">The variable was released by <see cref="Tape.Reset"/>.</exception>
    public Span<float> Data => _data ?? throw new ObjectDisposedException(nameof(Variable), "The tape that produced this variable was reset.");

    /// <summary>Whether a gradient buffer exists (it is created when a gradient first reaches the variable).</summary>
    public bool HasGrad => _grad is not null;

    /// <summary>The accumulated gradient, allocated (zeroed) on first access.</summary>
    /// <exception cref="InvalidOperationException">The variable does not require gradients.</exception>
    public Span<float> Grad => GradArray;

    /// <summary>The size of dimension <paramref name="dim"/>; negative values count from the end.</summary>
    /// <param name="dim">The dimension.</param>
    /// <returns>Its size.</returns>
    public int Size(int dim) => _shape[dim < 0 ? dim + _shape.Length : dim];

    /// <summary>The value of a one-element variable.</summary>
    /// <returns>The single element.</returns>
    public float Item() => Length == 1
        ? Data[0]
        : throw new InvalidOperationException($"Item() needs a one-element variable; this one has {Length} elements.");

    /// <summary>Sets the gradient to zero (keeps the buffer).</summary>
    public void ZeroGrad() => _grad?.AsSpan().Clear();

    /// <summary>Creates a trainable leaf over <paramref name="data"/> (not copied; the variable uses the array directly).</summary>
    /// <param name="data">The values; its length must equal the product of <paramref name="shape"/>.</param>
    /// <param name="shape">The dimensions.</param>
    /// <returns>The parameter.</returns>
    public static Variable Parameter(float[] data, params int[] shape) => Leaf(data, shape, requiresGrad: true);

    /// <summary>Creates a leaf that receives no gradient, over <paramref name="data"/> (not copied).</summary>
    /// <param name="data">The values; its length must equal the product of <paramref name="shape"/>.</param>
    /// <param name="shape">The dimensions.</param>
    /// <returns>The constant.</returns>
    public static Variable Constant(float[] data, params int[] shape) => Leaf(data, shape, requiresGrad: false);

    /// <summary>
    /// A leaf over the same data that receives no gradient (as <c>detach()</c> does elsewhere): operations on it
    /// still pass gradients to their other inputs but compute none for it. Writes to either are seen by both. For a
    /// tape-made variable the view lives only as long as the tape's buffers do.
    /// </summary>
    /// <returns>The detached view.</returns>
    public Variable Detached() => new((int[])_shape.Clone(), DataArray, requiresGrad: false, isLeaf: true);

    /// <summary>The data array itself, for kernels.</summary>
    internal float[] DataArray => _data ?? throw new ObjectDisposedException(nameof(Variable), "The tape that produced this variable was reset.");

    internal float[] GradArray
    {
        get
        {
            if (_grad is null)
            {
                if (!RequiresGrad)
                {
                    throw new InvalidOperationException("This variable does not require gradients.");
                }

                _grad = new float[Length];
            }

            return _grad;
        }
    }

    internal float[]? GradOrNull => _grad;

    /// <summary>Installs a (zeroed) gradient buffer from the tape's pool.</summary>
    internal void SetGrad(float[] grad) => _grad = grad;

    internal (float[]? Data, float[]? Grad) Release()
    {
        (float[]? d, float[]? g) = (_data, _grad);
        _data = null;
        _grad = null;
        return (d, g);
    }

    internal static int ShapeLength(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(d, nameof(shape));
            n *= d;
            if (n > int.MaxValue)
            {
                throw new ArgumentException("The shape has more than int.MaxValue elements.", nameof(shape));
            }
        }

        return (int)n;
    }

    private static Variable Leaf(float[] data, int[] shape, bool requiresGrad)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        if (ShapeLength(shape) != data.Length)
        {
            throw new ArgumentException($"Data has {data.Length} elements but shape [{string.Join(", ", shape)}] needs {ShapeLength(shape)}.");
        }

        return new Variable((int[])shape.Clone(), data, requiresGrad, isLeaf: true);
    }
}
