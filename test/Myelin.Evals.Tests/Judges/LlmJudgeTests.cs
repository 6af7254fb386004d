using Microsoft.Extensions.AI;
using Myelin.Core;
using Myelin.Evals.Evaluators;
using Myelin.TestUtilities;

namespace Myelin.Evals.Judges;

public sealed class LlmJudgeTests
{
    private static readonly EvaluationInput s_input = new() { Input = "Capital of France?", Output = "Paris", ExpectedOutput = "Paris" };

    [Fact]
    public async Task A_valid_verdict_is_normalised_and_passes_at_the_rubric_pass_score()
    {
        var client = Scripted("{\"score\": 4, \"reason\": \"Agrees.\"}");
        EvaluationMetric metric = (await new LlmJudgeEvaluator(new LlmJudge(client), RubricTemplates.Correctness).EvaluateAsync(s_input)).Get("correctness");
        Assert.Equal(0.75, metric.Score);
        Assert.Equal(4, metric.Value);
        Assert.True(metric.Passed);
        Assert.Equal("Agrees.", metric.Reason);
        Assert.Equal(1, client.Calls);
    }

    [Fact]
    public async Task Unparseable_output_is_retried_once_then_reported_as_a_failure()
    {
        var retried = Scripted("I think it is good.", "{\"score\": 5, \"reason\": \"Exact.\"}");
        EvaluationMetric ok = (await new LlmJudgeEvaluator(new LlmJudge(retried), RubricTemplates.Correctness).EvaluateAsync(s_input)).Get("correctness");
        Assert.Equal(1.0, ok.Score);
        Assert.Equal(2, retried.Calls);

        var broken = Scripted("Score: 5", "{\"score\": 9, \"reason\": \"x\"}");
        EvaluationMetric failed = (await new LlmJudgeEvaluator(new LlmJudge(broken), RubricTemplates.Correctness).EvaluateAsync(s_input)).Get("correctness");
        Assert.True(failed.IsFailure);
        Assert.Null(failed.Score);
        Assert.False(failed.Passed);
        Assert.Contains("after one retry: 'score' 9 is outside 1-5", failed.Error, StringComparison.Ordinal);
        Assert.Equal(2, broken.Calls);
    }

    [Fact]
    public async Task A_rerun_through_the_cache_makes_zero_judge_calls()
    {
        using var dir = new TempDirectory("evals-judge");
        await using SqliteJudgeCache cache = SqliteJudgeCache.Open(dir.Path);
        var first = Scripted("{\"score\": 3, \"reason\": \"Partly.\"}");
        var options = new LlmJudgeOptions { Cache = cache, ModelId = "judge-1" };
        EvaluationMetric before = (await new LlmJudgeEvaluator(new LlmJudge(first, options), RubricTemplates.Correctness).EvaluateAsync(s_input)).Get("correctness");

        var second = Scripted();
        EvaluationMetric after = (await new LlmJudgeEvaluator(new LlmJudge(second, options), RubricTemplates.Correctness).EvaluateAsync(s_input)).Get("correctness");
        Assert.Equal(0, second.Calls);
        Assert.Equal(before, after);

        // Another model, rubric version, request or tenant misses the cache.
        var other = Scripted("{\"score\": 3, \"reason\": \"Partly.\"}", "{\"score\": 3, \"reason\": \"Partly.\"}", "{\"score\": 3, \"reason\": \"Partly.\"}", "{\"score\": 3, \"reason\": \"Partly.\"}");
        await new LlmJudgeEvaluator(new LlmJudge(other, new LlmJudgeOptions { Cache = cache, ModelId = "judge-2" }), RubricTemplates.Correctness).EvaluateAsync(s_input);
        RubricTemplate v2 = new("correctness", 2, RubricTemplates.Correctness.SystemPrompt, RubricTemplates.Correctness.UserTemplate, 1, 5, 4);
        await new LlmJudgeEvaluator(new LlmJudge(other, options), v2).EvaluateAsync(s_input);
        await new LlmJudgeEvaluator(new LlmJudge(other, options), RubricTemplates.Correctness).EvaluateAsync(s_input with { Output = "Lyon" });
        await new LlmJudgeEvaluator(new LlmJudge(other, options), RubricTemplates.Correctness).EvaluateAsync(s_input, new EvaluationOptions { Tenant = new TenantId("other") });
        Assert.Equal(4, other.Calls);
    }

    [Fact]
    public async Task Groundedness_with_a_judge_asks_per_claim()
    {
        var judge = new TestChatClient
        {
            GetResponseAsyncCallback = (messages, _, _) =>
            {
                string claim = messages.Last().Text;
                string answer = claim.Contains("aliens", StringComparison.Ordinal) ? "{\"score\": 0, \"reason\": \"No.\"}" : "{\"score\": 1, \"reason\": \"Yes.\"}";
                return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, answer)));
            },
        };
        EvaluationInput input = new() { Output = "Paris is the capital of France. The tower was built by aliens.", Context = ["Paris is the capital of France."] };
        EvaluationMetric metric = (await new GroundednessEvaluator(judge: new LlmJudge(judge)).EvaluateAsync(input)).Get("groundedness");
        Assert.Equal(0.5, metric.Score);
        Assert.Equal(2, judge.Calls);
    }

    [Theory]
    [InlineData("{\"score\": 3, \"reason\": \"ok\"}", null)]
    [InlineData("```json\n{\"score\": 3, \"reason\": \"ok\"}\n```", null)]
    [InlineData("Sure! {\"score\": 3, \"reason\": \"ok\"}", "the reply is not a JSON object")]
    [InlineData("{\"score\": 3.5, \"reason\": \"ok\"}", "'score' must be an integer")]
    [InlineData("{\"score\": \"3\", \"reason\": \"ok\"}", "'score' must be an integer")]
    [InlineData("{\"score\": 3}", "'reason' must be a non-empty string")]
    [InlineData("{\"score\": 3, \"reason\": \"ok\", \"confidence\": 1}", "unexpected property 'confidence'")]
    [InlineData("{\"score\": 0, \"reason\": \"ok\"}", "'score' 0 is outside 1-5")]
    public void The_verdict_format_is_strict(string text, string? error)
    {
        bool ok = JudgeResponseParser.TryParse(text, RubricTemplates.Correctness, out JudgeVerdict? verdict, out string? message);
        Assert.Equal(error is null, ok);
        if (error is null)
        {
            Assert.Equal(3, verdict!.Score);
        }
        else
        {
            Assert.StartsWith(error, message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Templates_refuse_unknown_placeholders()
    {
        Assert.Throws<ArgumentException>(() => new RubricTemplate("x", 1, "s", "{{answer}}", 0, 1, 1));
        Assert.Equal("Q: hi / A: (none)", new RubricTemplate("x", 1, "s", "Q: {{input}} / A: {{output}}", 0, 1, 1)
            .Render(new Dictionary<string, string?> { ["input"] = "hi" }));
    }

    private static TestChatClient Scripted(params string[] replies)
    {
        int next = 0;
        return new TestChatClient
        {
            GetResponseAsyncCallback = (_, _, _) => next < replies.Length
                ? Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, replies[next++])))
                : throw new InvalidOperationException("The scripted judge ran out of replies."),
        };
    }
}
