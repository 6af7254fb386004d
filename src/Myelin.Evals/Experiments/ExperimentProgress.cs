namespace Myelin.Evals.Experiments;

/// <summary>Progress of a run: reported once per finished item.</summary>
/// <param name="Completed">Items finished so far (target called and scored, or failed).</param>
/// <param name="Total">Items in the run.</param>
/// <param name="ItemId">The item that just finished.</param>
/// <param name="Failed">Whether that item's target call failed.</param>
public sealed record ExperimentProgress(int Completed, int Total, string ItemId, bool Failed);
