using Microsoft.Extensions.AI;
using Myelin.Core;
using Myelin.Evals.Datasets;
using Myelin.Evals.Evaluators;
using Myelin.Evals.Judges;
using Myelin.TestUtilities;

namespace Myelin.Evals.Experiments;

public sealed class ExperimentRunnerTests
{
    private static readonly DatasetItem[] s_items = [.. Enumerable.Range(1, 12).Select(i => new DatasetItem
    {
        Id = $"q{i:00}",
        Input = $"What is {i} + {i}?",
        ExpectedOutput = (2 * i).ToString(System.Globalization.CultureInfo.InvariantCulture),
    })];

    [Fact]
    public async Task Runs_items_with_bounded_concurrency_progress_and_recorded_failures()
    {
        int inFlight = 0;
        int maxInFlight = 0;
        var target = new TestChatClient
        {
            GetResponseAsyncCallback = async (messages, _, token) =>
            {
                int now = Interlocked.Increment(ref inFlight);
                InterlockedMax(ref maxInFlight, now);
                await Task.Delay(5, token);
                Interlocked.Decrement(ref inFlight);
                string question = messages.Last().Text;
                if (question.Contains("7 + 7", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException("backend down");
                }

                int n = int.Parse(question.Split(' ')[3], System.Globalization.CultureInfo.InvariantCulture);
                return new ChatResponse(new ChatMessage(ChatRole.Assistant, n % 3 == 0 ? "I don't know" : (2 * n).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            },
        };
        var reports = new List<ExperimentProgress>();
        var progress = new SyncProgress(reports);

        ExperimentRun run = await ExperimentRunner.RunAsync(
            "math", "v-1", s_items, target, new PromptTemplate("Q: {{input}}", "Answer with a number."), [new ExactMatchEvaluator(), new NumericToleranceEvaluator()],
            new ExperimentOptions { MaxConcurrency = 3, Progress = progress, Name = "baseline" });

        Assert.InRange(maxInFlight, 1, 3);
        Assert.Equal(12, reports.Count);
        Assert.Equal(Enumerable.Range(1, 12), reports.Select(r => r.Completed).Order());
        Assert.Single(reports, r => r.Failed);
        Assert.Equal(s_items.Select(i => i.Id), run.Items.Select(i => i.ItemId));
        ExperimentItemResult failed = run.Items[6];
        Assert.Equal("InvalidOperationException: backend down", failed.Error);
        Assert.Empty(failed.Metrics);
        Assert.Equal(1, run.TargetFailures);

        // 11 answered: q03, q06, q09, q12 said "I don't know" -> 7 exact of 11 scored; the failed call counts as a failure, not a zero.
        MetricSummary exact = run.Summarize("exact_match");
        Assert.Equal(11, exact.Count);
        Assert.Equal(7.0 / 11, exact.Mean, 12);
        Assert.Equal(1, exact.Failures);
        Assert.Equal(["exact_match", "numeric"], run.MetricNames);
    }

    [Fact]
    public async Task A_rerun_with_the_judge_cache_makes_zero_judge_calls()
    {
        using var dir = new TempDirectory("evals-exp");
        await using SqliteJudgeCache cache = SqliteJudgeCache.Open(dir.Path);
        var target = new TestChatClient { GetResponseAsyncCallback = (m, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "42"))) };
        var judgeClient = new TestChatClient
        {
            GetResponseAsyncCallback = (m, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "{\"score\": 2, \"reason\": \"Wrong number.\"}"))),
        };
        var evaluator = new LlmJudgeEvaluator(new LlmJudge(judgeClient, new LlmJudgeOptions { Cache = cache, ModelId = "judge" }), RubricTemplates.Correctness);
        var options = new ExperimentOptions { Tenant = new TenantId("acme") };

        ExperimentRun first = await ExperimentRunner.RunAsync("math", "v-1", s_items, target, new PromptTemplate(), [evaluator], options);
        int callsAfterFirst = judgeClient.Calls;
        ExperimentRun second = await ExperimentRunner.RunAsync("math", "v-1", s_items, target, new PromptTemplate(), [evaluator], options);

        Assert.Equal(12, callsAfterFirst);
        Assert.Equal(12, judgeClient.Calls);
        Assert.Equal(first.Summarize("correctness"), second.Summarize("correctness"));
        Assert.Equal(0.25, second.Summarize("correctness").Mean, 12);
    }

    [Fact]
    public async Task Runs_are_stored_and_read_back()
    {
        using var dir = new TempDirectory("evals-exp");
        await using SqliteExperimentStore store = SqliteExperimentStore.Open(dir.Path);
        var target = new TestChatClient { GetResponseAsyncCallback = (m, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "2"))) };
        ExperimentRun run = await ExperimentRunner.RunAsync("math", "v-1", s_items[..2], target, new PromptTemplate(), [new ExactMatchEvaluator(), new BleuEvaluator()]);
        var tenant = new TenantId("acme");

        await store.SaveAsync(tenant, run);
        ExperimentRun back = await store.GetAsync(tenant, run.Id);

        Assert.Equal(run.Summaries(), back.Summaries());
        Assert.Equal(run.Items[0].Metrics, back.Items[0].Metrics);
        Assert.Equal(run.Id, Assert.Single(await store.ListAsync(tenant, "math")).Id);
        Assert.Empty(await store.ListAsync(new TenantId("other")));
        await Assert.ThrowsAsync<MyelinConflictException>(() => store.SaveAsync(tenant, run));
        await Assert.ThrowsAsync<MyelinNotFoundException>(() => store.GetAsync(new TenantId("other"), run.Id));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private sealed class SyncProgress(List<ExperimentProgress> reports) : IProgress<ExperimentProgress>
    {
        public void Report(ExperimentProgress value)
        {
            lock (reports)
            {
                reports.Add(value);
            }
        }
    }
}
