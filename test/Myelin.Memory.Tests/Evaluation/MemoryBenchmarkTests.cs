using Myelin.Memory.Retrieval;
using Xunit.Abstractions;

namespace Myelin.Memory.Evaluation;

/// <summary>A small version of the memory quality benchmark (the full one: bench/Myelin.Benchmarks, memory-quality).</summary>
public sealed class MemoryBenchmarkTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Small_benchmark_meets_the_quality_goals()
    {
        ConversationBenchmark data = ConversationBenchmarkGenerator.Generate(new ConversationBenchmarkOptions { Users = 6, SessionsPerUser = 8, Seed = 11 });
        await using IngestHarness h = await IngestHarness.StartAsync();
        var retriever = new MemoryRetriever(h.Store, h.Embeddings, new MemoryRetrieverOptions { RecordAccess = false });

        MemoryBenchmarkReport report = await MemoryBenchmarkRunner.RunAsync(data, TestStore.TenantA, h.Ingestor, retriever);
        output.WriteLine(report.ToMarkdown());

        Assert.Equal(data.TurnCount, report.Turns);
        Assert.Equal(0, report.Quarantined);
        Assert.True(report.RecallAt10 >= 0.9, $"recall@10 {report.RecallAt10:F3}");
        Assert.True(report.SupersededOutranksCurrent <= 0.01, $"superseded outranking {report.SupersededOutranksCurrent:P2}");
        Assert.True(report.NdcgAt10 <= 1 && report.RecallAt5 <= report.RecallAt10);
    }
}
