using System.Numerics.Tensors;
using Myelin.Numerics.Autograd.Internal;

namespace Myelin.Numerics.Autograd;

public sealed partial class Tape
{
    /// <summary>
    /// Element-wise sum. <paramref name="b"/> either has the shape of <paramref name="a"/> or equals its trailing
    /// dimensions (broadcast over the leading ones, e.g. a bias <c>[n]</c> added to <c>[rows, n]</c>).
    /// </summary>
    /// <param name="a">[..., n]</param>
    /// <param name="b">Same shape as a, or its trailing dimensions.</param>
    /// <returns>Shape of a.</returns>
    public Variable Add(Variable a, Variable b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (b.Rank > a.Rank || !a.Shape[(a.Rank - b.Rank)..].SequenceEqual(b.Shape))
        {
            throw new ArgumentException(
                $"Add: shape [{string.Join(", ", b.Shape.ToArray())}] does not broadcast to [{string.Join(", ", a.Shape.ToArray())}].");
        }

        bool track = Tracks(a, b);
        Variable c = NewVariable(a.Shape.ToArray(), track);
        int inner = b.Length;
        float[] ad = a.DataArray;
        float[] bd = b.DataArray;
        float[] cd = c.DataArray;
        for (int o = 0; o < a.Length; o += inner)
        {
            _k.Add(ad.AsSpan(o, inner), bd, cd.AsSpan(o, inner));
        }

        if (track)
        {
            Record(c, () =>
            {
                float[] dc = c.GradArray;
                if (a.RequiresGrad)
                {
                    _k.Axpy(dc, 1f, GradOf(a));
                }

                if (b.RequiresGrad)
                {
                    float[] db = GradOf(b);
                    for (int o = 0; o < dc.Length; o += inner)
                    {
                        _k.Axpy(dc.AsSpan(o, inner), 1f, db);
                    }
                }
            });
        }

        return c;
    }

    /// <summary>Element-wise difference <c>a - b</c> of two variables of the same shape.</summary>
    /// <param name="a">[...]</param>
    /// <param name="b">Same shape.</param>
    /// <returns>Same shape.</returns>
    public Variable Subtract(Variable a, Variable b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        CheckSameShape(a, b, nameof(Subtract));
        bool track = Tracks(a, b);
        Variable c = NewVariable(a.Shape.ToArray(), track);
        TensorPrimitives.Subtract(a.DataArray, b.DataArray, c.DataArray);
        if (track)
        {
            Record(c, () =>
            {
                if (a.RequiresGrad)
                {
                    _k.Axpy(c.GradArray, 1f, GradOf(a));
                }

                if (b.RequiresGrad)
                {
                    _k.Axpy(c.GradArray, -1f, GradOf(b));
                }
            });
        }

        return c;
    }

    /// <summary>Element-wise product of two variables of the same shape.</summary>
    /// <param name="a">[...]</param>
    /// <param name="b">Same shape.</param>
    /// <returns>Same shape.</returns>
    public Variable Multiply(Variable a, Variable b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        CheckSameShape(a, b, nameof(Multiply));
        bool track = Tracks(a, b);
        Variable c = NewVariable(a.Shape.ToArray(), track);
        _k.Multiply(a.DataArray, b.DataArray, c.DataArray);
        if (track)
        {
            Record(c, () =>
            {
                if (a.RequiresGrad)
                {
                    GradKernels.MultiplyAdd(c.GradArray, b.DataArray, GradOf(a));
                }

                if (b.RequiresGrad)
                {
                    GradKernels.MultiplyAdd(c.GradArray, a.DataArray, GradOf(b));
                }
            });
        }

        return c;
    }

    /// <summary>Multiplies every element by a constant.</summary>
    /// <param name="a">[...]</param>
    /// <param name="alpha">The factor.</param>
    /// <returns>Same shape.</returns>
    public Variable Scale(Variable a, float alpha)
    {
        ArgumentNullException.ThrowIfNull(a);
        bool track = Tracks(a);
        Variable c = NewVariable(a.Shape.ToArray(), track);
        _k.Scale(a.DataArray, alpha, c.DataArray);
        if (track)
        {
            Record(c, () => _k.Axpy(c.GradArray, alpha, GradOf(a)));
        }

        return c;
    }

    /// <summary>SiLU (swish) <c>x·σ(x)</c>, element-wise.</summary>
    /// <param name="x">[...]</param>
    /// <returns>Same shape.</returns>
    public Variable Silu(Variable x)
    {
        ArgumentNullException.ThrowIfNull(x);
        bool track = Tracks(x);
        Variable y = NewVariable(x.Shape.ToArray(), track);
        _k.Silu(x.DataArray, y.DataArray);
        if (track)
        {
            Record(y, () => GradKernels.SiluBackward(x.DataArray, y.GradArray, GradOf(x), Rent(x.Length, clear: false)));
        }

        return y;
    }

    /// <summary>GELU, element-wise, in the chosen form.</summary>
    /// <param name="x">[...]</param>
    /// <param name="approximation">Exact (erf) or tanh.</param>
    /// <returns>Same shape.</returns>
    public Variable Gelu(Variable x, GeluApproximation approximation = GeluApproximation.Erf)
    {
        ArgumentNullException.ThrowIfNull(x);
        bool track = Tracks(x);
        Variable y = NewVariable(x.Shape.ToArray(), track);
        _k.Gelu(x.DataArray, y.DataArray, approximation);
        if (track)
        {
            Record(y, () => GradKernels.GeluBackward(x.DataArray, y.GradArray, GradOf(x), approximation));
        }

        return y;
    }

    /// <summary>Logistic sigmoid, element-wise.</summary>
    /// <param name="x">[...]</param>
    /// <returns>Same shape.</returns>
    public Variable Sigmoid(Variable x)
    {
        ArgumentNullException.ThrowIfNull(x);
        bool track = Tracks(x);
        Variable y = NewVariable(x.Shape.ToArray(), track);
        TensorPrimitives.Sigmoid(x.DataArray, y.DataArray);
        if (track)
        {
            // dσ = σ(1 - σ)
            Record(y, () => GradKernels.SigmoidBackward(y.DataArray, y.GradArray, GradOf(x)));
        }

        return y;
    }

    /// <summary>Hyperbolic tangent, element-wise.</summary>
    /// <param name="x">[...]</param>
    /// <returns>Same shape.</returns>
    public Variable Tanh(Variable x)
    {
        ArgumentNullException.ThrowIfNull(x);
        bool track = Tracks(x);
        Variable y = NewVariable(x.Shape.ToArray(), track);
        TensorPrimitives.Tanh(x.DataArray, y.DataArray);
        if (track)
        {
            // dtanh = 1 - tanh²
            Record(y, () => GradKernels.TanhBackward(y.DataArray, y.GradArray, GradOf(x)));
        }

        return y;
    }

    /// <summary>SwiGLU: <c>silu(gate) · up</c>, element-wise.</summary>
    /// <param name="gate">[...]</param>
    /// <param name="up">Same shape.</param>
    /// <returns>Same shape.</returns>
    public Variable SwiGlu(Variable gate, Variable up)
    {
        ArgumentNullException.ThrowIfNull(gate);
        ArgumentNullException.ThrowIfNull(up);
        CheckSameShape(gate, up, nameof(SwiGlu));
        bool track = Tracks(gate, up);
        Variable y = NewVariable(gate.Shape.ToArray(), track);
        _k.SwiGlu(gate.DataArray, up.DataArray, y.DataArray);
        if (track)
        {
            Record(y, () =>
            {
                float[] dy = y.GradArray;
                float[] silu = Rent(gate.Length, clear: false);
                _k.Silu(gate.DataArray, silu);
                if (up.RequiresGrad)
                {
                    GradKernels.MultiplyAdd(dy, silu, GradOf(up));
                }

                if (gate.RequiresGrad)
                {
                    float[] dyUp = Rent(gate.Length, clear: false);
                    _k.Multiply(dy, up.DataArray, dyUp);
                    GradKernels.SiluBackward(gate.DataArray, dyUp, GradOf(gate), silu);
                }
            });
        }

        return y;
    }

    /// <summary>
    /// Inverted dropout: zeroes each element with probability <paramref name="p"/> and scales the rest by
    /// <c>1 / (1 - p)</c>. The mask comes from <paramref name="random"/>, so runs are reproducible. In
    /// <see cref="NoGrad"/> mode, and when p is 0, it returns <paramref name="x"/> unchanged.
    /// </summary>
    /// <param name="x">[...]</param>
    /// <param name="p">Drop probability in [0, 1).</param>
    /// <param name="random">The mask source.</param>
    /// <returns>Same shape.</returns>
    public Variable Dropout(Variable x, float p, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(random);
        if (p is < 0f or >= 1f)
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout probability must be in [0, 1).");
        }

        if (!_recording || p == 0f)
        {
            return x;
        }

        bool track = Tracks(x);
        Variable y = NewVariable(x.Shape.ToArray(), track);
        float[] mask = Rent(x.Length, clear: false);
        float keep = 1f / (1f - p);
        for (int i = 0; i < mask.Length; i++)
        {
            mask[i] = random.NextSingle() < p ? 0f : keep;
        }

        _k.Multiply(x.DataArray, mask, y.DataArray);
        if (track)
        {
            Record(y, () => GradKernels.MultiplyAdd(y.GradArray, mask, GradOf(x)));
        }

        return y;
    }
}
