namespace Myelin.Evals.Evaluators;

/// <summary>How BLEU treats n-gram orders with no matches (Chen &amp; Cherry 2014 numbering).</summary>
public enum BleuSmoothing
{
    /// <summary>No smoothing: any zero precision makes BLEU 0.</summary>
    None,

    /// <summary>Method 1: a zero match count becomes ε = 0.1.</summary>
    Epsilon,

    /// <summary>Method 2 (Lin &amp; Och 2004): add 1 to matches and totals for n &gt; 1.</summary>
    AddOne,
}
