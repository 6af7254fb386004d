namespace Myelin.Evals.Judges;

/// <summary>Built-in rubrics.</summary>
public static class RubricTemplates
{
    /// <summary><c>correctness</c> v1: 1-5, does the answer agree with the reference answer; passes at 4.</summary>
    public static RubricTemplate Correctness { get; } = new(
        "correctness",
        1,
        "You grade answers for factual agreement with a reference answer. Judge only agreement in substance, not style or length.",
        """
        Question:
        {{input}}

        Reference answer:
        {{expected}}

        Answer to grade:
        {{output}}

        Score 1 (contradicts or misses the reference) to 5 (fully agrees with it).
        """,
        1,
        5,
        4);

    /// <summary><c>relevance</c> v1: 1-5, does the answer address the question asked; passes at 4.</summary>
    public static RubricTemplate Relevance { get; } = new(
        "relevance",
        1,
        "You grade whether an answer addresses the question that was asked, regardless of whether it is correct.",
        """
        Question:
        {{input}}

        Answer to grade:
        {{output}}

        Score 1 (ignores the question or answers a different one) to 5 (addresses exactly what was asked).
        """,
        1,
        5,
        4);

    /// <summary><c>claim_support</c> v1: 0 or 1, is one claim supported by the context; used by groundedness with a judge.</summary>
    public static RubricTemplate ClaimSupport { get; } = new(
        "claim_support",
        1,
        "You check whether a claim is supported by the given context. Use only the context, not outside knowledge.",
        """
        Context:
        {{context}}

        Claim:
        {{claim}}

        Score 1 if the context supports the claim, 0 if it does not or contradicts it.
        """,
        0,
        1,
        1);
}
