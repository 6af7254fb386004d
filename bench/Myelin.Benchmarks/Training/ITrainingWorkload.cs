namespace Myelin.Benchmarks.Training;

/// <summary>A model, optimiser and fixed batch; <see cref="Step"/> runs one full training step.</summary>
public interface ITrainingWorkload : IDisposable
{
    string Name { get; }

    /// <summary>Forward, backward and optimiser update; returns the loss before the update.</summary>
    float Step();
}
