using Myelin.Numerics;
using Myelin.Numerics.Autograd;

namespace Myelin.Models.Layers;

/// <summary>
/// Base of every layer and model: owns parameters (trainable <see cref="Variable"/>s) and names them.
/// </summary>
/// <remarks>
/// Names are stable and hierarchical with <c>.</c> separators; models that have a standard file layout use it
/// (e.g. GGUF llama names such as <c>blk.0.attn_q.weight</c>). Modules are not thread-safe; run one forward pass
/// at a time per module.
/// </remarks>
public abstract class Module
{
    /// <summary>Every parameter with its name, in a fixed order.</summary>
    /// <returns>Name/parameter pairs.</returns>
    public abstract IEnumerable<KeyValuePair<string, Variable>> NamedParameters();

    /// <summary>Every parameter, in the order of <see cref="NamedParameters"/>.</summary>
    /// <returns>The parameters.</returns>
    public IEnumerable<Variable> Parameters() => NamedParameters().Select(kv => kv.Value);

    /// <summary>Total number of parameter elements.</summary>
    /// <returns>The count.</returns>
    public long ParameterCount() => Parameters().Sum(p => (long)p.Length);

    /// <summary>Zeroes every parameter's gradient.</summary>
    public void ZeroGrad()
    {
        foreach (Variable p in Parameters())
        {
            p.ZeroGrad();
        }
    }

    /// <summary>Prefixes the names of a child module's parameters.</summary>
    /// <param name="prefix">The prefix, including any trailing separator.</param>
    /// <param name="child">The child module.</param>
    /// <returns>The renamed pairs.</returns>
    protected static IEnumerable<KeyValuePair<string, Variable>> Prefixed(string prefix, Module child)
    {
        ArgumentNullException.ThrowIfNull(child);
        return child.NamedParameters().Select(kv => new KeyValuePair<string, Variable>(prefix + kv.Key, kv.Value));
    }

    /// <summary>Creates a named parameter filled by <paramref name="init"/>.</summary>
    /// <param name="name">Diagnostic name.</param>
    /// <param name="init">Fills the row-major data.</param>
    /// <param name="shape">The dimensions.</param>
    /// <returns>The parameter.</returns>
    protected static Variable CreateParameter(string name, Action<float[]> init, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(init);
        ArgumentNullException.ThrowIfNull(shape);
        int length = 1;
        foreach (int d in shape)
        {
            length = checked(length * d);
        }

        var data = new float[length];
        init(data);
        Variable v = Variable.Parameter(data, shape);
        v.Name = name;
        return v;
    }

    /// <summary>An initialiser drawing from U(−bound, bound), PyTorch's default for Linear (bound = 1/√fanIn).</summary>
    /// <param name="random">The seeded source.</param>
    /// <param name="bound">Half-width of the interval.</param>
    /// <returns>The initialiser.</returns>
    protected static Action<float[]> Uniform(SeededRandom random, float bound)
    {
        ArgumentNullException.ThrowIfNull(random);
        return data =>
        {
            for (int i = 0; i < data.Length; i++)
            {
                data[i] = ((2f * random.NextSingle()) - 1f) * bound;
            }
        };
    }

    /// <summary>An initialiser that fills with a constant.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The initialiser.</returns>
    protected static Action<float[]> Constant(float value) => data => Array.Fill(data, value);
}
