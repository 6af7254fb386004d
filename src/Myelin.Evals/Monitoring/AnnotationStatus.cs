namespace Myelin.Evals.Monitoring;

/// <summary>Where an annotation item is in the queue.</summary>
public enum AnnotationStatus
{
    /// <summary>Waiting for an annotator.</summary>
    Pending,

    /// <summary>Claimed by an annotator; claimable again once the claim lease expires.</summary>
    Claimed,

    /// <summary>Labelled.</summary>
    Completed,
}
