namespace Myelin.Numerics.Autograd;

public sealed partial class Tape
{
    /// <summary>Looks up rows of an embedding table.</summary>
    /// <param name="table">[vocab, dim]</param>
    /// <param name="ids">Row indices, each in [0, vocab); copied.</param>
    /// <returns>[ids.Length, dim]</returns>
    public Variable Embedding(Variable table, ReadOnlySpan<int> ids)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (table.Rank != 2)
        {
            throw new ArgumentException("Embedding needs a [vocab, dim] table.", nameof(table));
        }

        int vocab = table.Size(0), dim = table.Size(1);
        int[] idCopy = ids.ToArray();
        foreach (int id in idCopy)
        {
            if ((uint)id >= (uint)vocab)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"Token id must be in [0, {vocab}).");
            }
        }

        bool track = Tracks(table);
        Variable y = NewVariable([idCopy.Length, dim], track);
        float[] t = table.DataArray;
        float[] yd = y.DataArray;
        for (int i = 0; i < idCopy.Length; i++)
        {
            Array.Copy(t, idCopy[i] * dim, yd, i * dim, dim);
        }

        if (track)
        {
            Record(y, () =>
            {
                float[] dy = y.GradArray;
                float[] dt = GradOf(table);
                for (int i = 0; i < idCopy.Length; i++)
                {
                    _k.Axpy(dy.AsSpan(i * dim, dim), 1f, dt.AsSpan(idCopy[i] * dim, dim));
                }
            });
        }

        return y;
    }
}
