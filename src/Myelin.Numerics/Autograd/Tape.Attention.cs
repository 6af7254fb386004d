using System.Numerics.Tensors;

namespace Myelin.Numerics.Autograd;

public sealed partial class Tape
{
    /// <summary>
    /// Scaled dot-product self-attention with grouped-query heads: query head h reads key/value head
    /// <c>h / (heads / kvHeads)</c>. The forward pass uses the fused kernel; the backward pass recomputes the
    /// attention probabilities per head (as FlashAttention does) instead of storing them.
    /// </summary>
    /// <param name="q">[batch, seq, heads, headDim]</param>
    /// <param name="k">[batch, seq, kvHeads, headDim]</param>
    /// <param name="v">[batch, seq, kvHeads, headDim]</param>
    /// <param name="causal">Whether position i attends only to positions ≤ i.</param>
    /// <returns>[batch, seq, heads, headDim]</returns>
    public Variable Attention(Variable q, Variable k, Variable v, bool causal = true)
    {
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(k);
        ArgumentNullException.ThrowIfNull(v);
        CheckSameShape(k, v, nameof(Attention));
        if (q.Rank != 4 || k.Rank != 4 || q.Size(0) != k.Size(0) || q.Size(1) != k.Size(1) || q.Size(3) != k.Size(3)
            || k.Size(2) == 0 || q.Size(2) % k.Size(2) != 0)
        {
            throw new ArgumentException("Attention needs q [batch, seq, heads, headDim] and k, v [batch, seq, kvHeads, headDim] with kvHeads dividing heads.");
        }

        int batch = q.Size(0), seq = q.Size(1), heads = q.Size(2), kvHeads = k.Size(2), headDim = q.Size(3);
        var shape = new AttentionShape(seq, seq, heads, kvHeads, headDim, causal, QueryOffset: 0);
        bool track = Tracks(q, k, v);
        Variable o = NewVariable(q.Shape.ToArray(), track);
        int qPer = seq * heads * headDim, kvPer = seq * kvHeads * headDim;
        for (int b = 0; b < batch; b++)
        {
            _k.Attention(
                q.DataArray.AsSpan(b * qPer, qPer), k.DataArray.AsSpan(b * kvPer, kvPer), v.DataArray.AsSpan(b * kvPer, kvPer),
                shape, o.DataArray.AsSpan(b * qPer, qPer));
        }

        if (track)
        {
            Record(o, () => AttentionBackward(q, k, v, o, shape, batch));
        }

        return o;
    }

    private void HeadBackward(
        float[] qd, float[] kd, float[] vd, float[] dO, float[] dq, float[] dk, float[] dv, Span<float> p, Span<float> dp,
        int qo, int ko, int t, int d, int ldq, int ldkv, float scale, bool causal)
    {
        // P = softmax(scale · Q Kᵀ) with the causal mask.
        _k.Gemm(false, true, t, t, d, scale, qd.AsSpan(qo), ldq, kd.AsSpan(ko), ldkv, 0f, p, t);
        for (int i = 0; i < t; i++)
        {
            int valid = causal ? i + 1 : t;
            Span<float> row = p.Slice(i * t, t);
            _k.Softmax(row[..valid], 1, valid, row[..valid]);
            row[valid..].Clear();
        }

        // dV += Pᵀ dO ; dP = dO Vᵀ
        _k.Gemm(true, false, t, d, t, 1f, p, t, dO.AsSpan(qo), ldq, 1f, dv.AsSpan(ko), ldkv);
        _k.Gemm(false, true, t, t, d, 1f, dO.AsSpan(qo), ldq, vd.AsSpan(ko), ldkv, 0f, dp, t);

        // dS = P ⊙ (dP − rowsum(dP ⊙ P))
        for (int i = 0; i < t; i++)
        {
            Span<float> pr = p.Slice(i * t, t);
            Span<float> dpr = dp.Slice(i * t, t);
            float dot = TensorPrimitives.Dot(pr, dpr);
            TensorPrimitives.Subtract(dpr, dot, dpr);
            TensorPrimitives.Multiply(dpr, pr, dpr);
        }

        // dQ += scale · dS K ; dK += scale · dSᵀ Q
        _k.Gemm(false, false, t, d, t, scale, dp, t, kd.AsSpan(ko), ldkv, 1f, dq.AsSpan(qo), ldq);
        _k.Gemm(true, false, t, d, t, scale, dp, t, qd.AsSpan(qo), ldq, 1f, dk.AsSpan(ko), ldkv);
    }

    private void AttentionBackward(Variable q, Variable k, Variable v, Variable o, AttentionShape s, int batch)
    {
        int t = s.QueryLength, heads = s.Heads, kvHeads = s.KvHeads, d = s.HeadDim, group = heads / kvHeads;
        int ldq = heads * d, ldkv = kvHeads * d;
        float scale = s.EffectiveScale;
        float[] qd = q.DataArray, kd = k.DataArray, vd = v.DataArray, dO = o.GradArray;
        float[] dq = q.RequiresGrad ? GradOf(q) : Rent(q.Length, clear: true);
        float[] dk = k.RequiresGrad ? GradOf(k) : Rent(k.Length, clear: true);
        float[] dv = v.RequiresGrad ? GradOf(v) : Rent(v.Length, clear: true);
        int tasks = batch * kvHeads;
        int workers = Math.Max(1, Math.Min(Numerics.Kernels.MaxThreads, tasks));
        float[] scratch = Rent(workers * 2 * t * t, clear: false);

        // Work items are (batch, kv head) pairs, so the query heads that share a K/V head (GQA) are handled by one
        // worker and dK/dV need no synchronisation. Strided leading dimensions address one head inside
        // [seq, heads, headDim] rows without copying it out. GEMMs called from these workers run single-threaded.
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
        {
            float[] buf = scratch;
            int pOff = w * 2 * t * t, dpOff = pOff + (t * t);
            for (int task = w; task < tasks; task += workers)
            {
                int b = task / kvHeads, kvh = task % kvHeads;
                for (int h = kvh * group; h < (kvh + 1) * group; h++)
                {
                    HeadBackward(qd, kd, vd, dO, dq, dk, dv, buf.AsSpan(pOff, t * t), buf.AsSpan(dpOff, t * t),
                        (b * t * heads * d) + (h * d), (b * t * kvHeads * d) + (kvh * d), t, d, ldq, ldkv, scale, s.Causal);
                }
            }
        });
    }
}
