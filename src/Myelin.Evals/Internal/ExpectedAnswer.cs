namespace Myelin.Evals.Internal;

/// <summary>The kind of answer a question asks for.</summary>
internal enum ExpectedAnswer
{
    Open,
    Number,
    Date,
    YesNo,
    Choice,
    List,
}
