namespace Myelin.Numerics.Autograd;

/// <summary>Restores a <see cref="Tape"/>'s recording mode when disposed; returned by <see cref="Tape.NoGrad"/>.</summary>
public readonly struct NoGradScope : IDisposable
{
    private readonly Tape? _tape;
    private readonly bool _previous;

    internal NoGradScope(Tape tape, bool previous)
    {
        _tape = tape;
        _previous = previous;
    }

    /// <summary>Restores the previous recording mode.</summary>
    public void Dispose() => _tape?.RestoreRecording(_previous);
}
