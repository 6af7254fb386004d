using Myelin.Evals.Judges;

namespace Myelin.Evals.Detectors;

/// <summary>The rubrics detectors ask an optional judge with; each scores 1 (the failure is there) to 5 (it is not).</summary>
public static class DetectorRubrics
{
    /// <summary><c>answer_correctness</c> v1, for <see cref="ConfidenceTrapDetector"/>: is the answer correct and grounded.</summary>
    public static RubricTemplate AnswerCorrectness { get; } = new(
        "answer_correctness",
        1,
        "You check whether an answer is factually correct. Use the reference answer and the context when given; otherwise your own knowledge. Ignore tone and confidence.",
        """
        Question:
        {{input}}

        Reference answer:
        {{expected}}

        Context:
        {{context}}

        Answer:
        {{output}}

        Score 1 (wrong, or claims the context does not support) to 5 (correct and supported).
        """,
        1,
        5,
        4);

    /// <summary><c>intent_relevance</c> v1, for <see cref="DriftDetector"/>: does the answer serve the current or the original request.</summary>
    public static RubricTemplate IntentRelevance { get; } = new(
        "intent_relevance",
        1,
        "You check whether an assistant's answer stays with what the user wants. A topic change the user asked for is fine; one the user did not ask for is not.",
        """
        Current request:
        {{input}}

        Original request:
        {{context}}

        Answer:
        {{output}}

        Score 1 (about something neither request asked for) to 5 (addresses the current request, or the original one).
        """,
        1,
        5,
        4);

    /// <summary><c>answer_fit</c> v1, for <see cref="SilentMismatchDetector"/>: does the answer have the type and cover the entities asked for.</summary>
    public static RubricTemplate AnswerFit { get; } = new(
        "answer_fit",
        1,
        "You check whether an answer fits its question: the kind of answer asked for (a number, a date, yes or no, one of the offered options, a list of the asked length) and every entity the question names. Not whether it is true.",
        """
        Question:
        {{input}}

        Answer:
        {{output}}

        Score 1 (the wrong kind of answer, or named entities left out) to 5 (exactly the kind of answer asked for, covering everything named).
        """,
        1,
        5,
        4);
}
