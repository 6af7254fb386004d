using System.Globalization;
using Myelin.Core;
using Myelin.Memory.Embeddings;
using Myelin.Memory.Evaluation;
using Myelin.Memory.Extraction;
using Myelin.Memory.Ingest;
using Myelin.Memory.Retrieval;
using Myelin.Memory.Storage;
using Myelin.Storage.Sqlite;

namespace Myelin.Benchmarks.Memory;

/// <summary>The memory quality benchmark: generates the seeded multi-session conversation data set, ingests it with the
/// model-free extractor, asks every question and prints recall@5/@10, NDCG@10 and the superseded-outranks-current rate.</summary>
/// <remarks>Run: <c>dotnet run -c Release --project bench/Myelin.Benchmarks -- memory-quality [users] [sessionsPerUser] [seed]</c>.</remarks>
public static class MemoryQuality
{
    public static int Run(string[] args)
    {
        var options = new ConversationBenchmarkOptions();
        if (args.Length > 0)
        {
            options.Users = int.Parse(args[0], CultureInfo.InvariantCulture);
        }

        if (args.Length > 1)
        {
            options.SessionsPerUser = int.Parse(args[1], CultureInfo.InvariantCulture);
        }

        if (args.Length > 2)
        {
            options.Seed = int.Parse(args[2], CultureInfo.InvariantCulture);
        }

        return RunAsync(options).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(ConversationBenchmarkOptions options)
    {
        ConversationBenchmark data = ConversationBenchmarkGenerator.Generate(options);
        Console.WriteLine(
            $"memory-quality: seed {options.Seed}, {options.Users} users x {options.SessionsPerUser} sessions = {data.Sessions.Count} sessions, " +
            $"{data.TurnCount} turns, {data.Questions.Count} questions; SQLite (WAL, synchronous=FULL), pattern extractor, hashed n-gram embedding");
        string directory = Path.Combine(Path.GetTempPath(), "myelin-bench-memory-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using SqliteMyelinStorage storage = await SqliteMyelinStorage.OpenAsync(new SqliteStorageOptions { DataDirectory = directory });
            await storage.MigrateAsync();
            await using SqliteMemoryStore store = await SqliteMemoryStore.OpenInDirectoryAsync(directory);
            using var embeddings = new HashedNgramEmbeddingGenerator();
            await using var ingestor = new MemoryIngestor(store, storage.Log, embeddings, new PatternExtractor());
            var retriever = new MemoryRetriever(store, embeddings, new MemoryRetrieverOptions { RecordAccess = false });
            MemoryBenchmarkReport report = await MemoryBenchmarkRunner.RunAsync(data, new TenantId("bench"), ingestor, retriever);
            Console.WriteLine(report.ToMarkdown());
            bool met = report.RecallAt10 >= 0.9 && report.SupersededOutranksCurrent <= 0.01;
            Console.WriteLine(met ? "goals met: recall@10 >= 0.9, superseded outranking <= 1%" : "goals NOT met");
            return met ? 0 : 1;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
