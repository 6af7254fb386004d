using System.Diagnostics;
using System.Globalization;
using Myelin.Core;
using Myelin.Memory;
using Myelin.Memory.Embeddings;
using Myelin.Memory.Evaluation;
using Myelin.Memory.Extraction;
using Myelin.Memory.Ingest;
using Myelin.Memory.Retrieval;
using Myelin.Memory.Storage;
using Myelin.Storage.Sqlite;

namespace Myelin.Benchmarks.Memory;

/// <summary>Memory at scale: ingest N turns of one user (batches of 1,000, no extraction), then recall latency with
/// the exact SIMD vector scan and with HNSW, beside a scalar brute-force vector scan, in the same run.</summary>
/// <remarks>Run: <c>dotnet run -c Release --project bench/Myelin.Benchmarks -- memory-scale [turns] [queries]</c>.</remarks>
public static class MemoryScale
{
    public static int Run(string[] args)
    {
        int turns = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
        int queries = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
        return RunAsync(turns, queries).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(int turnCount, int queryCount)
    {
        ConversationBenchmark data = ConversationBenchmarkGenerator.Generate(
            new ConversationBenchmarkOptions { Users = 1, SessionsPerUser = Math.Max(2, turnCount / 10), Seed = 3 });
        BenchmarkTurn[] turns = [.. data.Sessions.SelectMany(s => s.Turns).Take(turnCount)];
        string directory = Path.Combine(Path.GetTempPath(), "myelin-bench-memscale-" + Guid.NewGuid().ToString("N"));
        var tenant = new TenantId("bench");
        try
        {
            await using SqliteMyelinStorage storage = await SqliteMyelinStorage.OpenAsync(new SqliteStorageOptions { DataDirectory = directory });
            await storage.MigrateAsync();
            await using SqliteMemoryStore store = await SqliteMemoryStore.OpenInDirectoryAsync(directory);
            using var embeddings = new HashedNgramEmbeddingGenerator();
            await using var ingestor = new MemoryIngestor(store, storage.Log, embeddings, new NoExtraction());

            var clock = Stopwatch.StartNew();
            foreach (BenchmarkTurn[] batch in turns.Chunk(1000))
            {
                await ingestor.RememberAsync(tenant, [.. batch.Select(t => new ConversationTurn("user-000", t.Role, t.Text)
                {
                    Speaker = t.Speaker, SessionId = t.TurnId[..8], Timestamp = t.Timestamp,
                })]);
            }

            double ingest = clock.Elapsed.TotalSeconds;
            Console.WriteLine($"memory-scale: {turns.Length} turns of one user; ingest (log + episodes + FTS + vectors, batches of 1000, " +
                $"no extraction): {ingest:F1} s = {turns.Length / ingest:F0} turns/s");

            var random = new Random(5);
            string[] questions = [.. Enumerable.Range(0, queryCount).Select(_ => turns[random.Next(turns.Length)].Text)];
            (double exactFirst, List<double> exact, List<RecallResult> exactResults) = await TimeAsync(store, embeddings, int.MaxValue, tenant, questions);
            (double hnswFirst, List<double> hnsw, List<RecallResult> hnswResults) = await TimeAsync(store, embeddings, 20_000, tenant, questions);
            // The synthetic turns repeat (templates), so many hits tie; compare texts, not ids.
            double overlap = exactResults.Zip(hnswResults).Average(p =>
                p.First.Hits.Select(h => h.Item.Text).Intersect(p.Second.Hits.Select(h => h.Item.Text)).Count() /
                (double)Math.Max(1, p.First.Hits.Select(h => h.Item.Text).Distinct().Count()));

            IReadOnlyList<StoredVector> vectors = await store.ReadVectorsAsync(tenant, "user-000", 0);
            var brute = new List<double>();
            foreach (string q in questions.Take(50))
            {
                float[] query = embeddings.Embed(q);
                long start = Stopwatch.GetTimestamp();
                ScalarTop10(vectors, query);
                brute.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }

            Console.WriteLine("| recall path | first call + warm-up (loads vectors / builds the graph in the background) | p50 | p95 |");
            Console.WriteLine("| --- | --- | --- | --- |");
            Console.WriteLine($"| hybrid recall, exact SIMD vector scan | {exactFirst:F0} ms | {P(exact, 0.5):F2} ms | {P(exact, 0.95):F2} ms |");
            Console.WriteLine($"| hybrid recall, HNSW (M=16, ef=96) | {hnswFirst:F0} ms | {P(hnsw, 0.5):F2} ms | {P(hnsw, 0.95):F2} ms |");
            Console.WriteLine($"| vector top-10 only, scalar brute-force scan | - | {P(brute, 0.5):F2} ms | {P(brute, 0.95):F2} ms |");
            Console.WriteLine($"top-10 overlap of hit texts, HNSW recall vs exact recall: {overlap:P1}");
            Console.WriteLine($"HNSW vector recall@10 (hits at least as similar as the exact 10th): {VectorRecall(vectors, embeddings, questions):P1}");
            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<(double First, List<double> Times, List<RecallResult> Results)> TimeAsync(
        SqliteMemoryStore store, HashedNgramEmbeddingGenerator embeddings, int hnswThreshold, TenantId tenant, string[] questions)
    {
        var retriever = new MemoryRetriever(store, embeddings, new MemoryRetrieverOptions { HnswThreshold = hnswThreshold, RecordAccess = false });
        long first = Stopwatch.GetTimestamp();
        await retriever.RecallAsync(tenant, new RecallRequest("user-000", "warm up") { NeighbourTurns = 0 });
        await retriever.WarmUpAsync(tenant, "user-000");
        double firstMs = Stopwatch.GetElapsedTime(first).TotalMilliseconds;
        var times = new List<double>();
        var results = new List<RecallResult>();
        foreach (string q in questions)
        {
            long start = Stopwatch.GetTimestamp();
            results.Add(await retriever.RecallAsync(tenant, new RecallRequest("user-000", q) { NeighbourTurns = 0 }));
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        return (firstMs, times, results);
    }

    private static double VectorRecall(IReadOnlyList<StoredVector> vectors, HashedNgramEmbeddingGenerator embeddings, string[] questions)
    {
        var index = new HnswIndex();
        float[] matrix = new float[vectors.Count * vectors[0].Vector.Length];
        for (int i = 0; i < vectors.Count; i++)
        {
            index.Add(vectors[i].Vector);
            vectors[i].Vector.CopyTo(matrix, i * vectors[0].Vector.Length);
        }

        double found = 0;
        foreach (string q in questions)
        {
            float[] query = embeddings.Embed(q);
            float tenth = ExactVectorSearch.TopK(matrix, vectors.Count, query, 10)[^1].Similarity;
            found += index.Search(query, 10, 96).Count(s => s.Similarity >= tenth - 1e-5f) / 10.0;
        }

        return found / questions.Length;
    }

    private static void ScalarTop10(IReadOnlyList<StoredVector> vectors, float[] query)
    {
        var best = new PriorityQueue<int, float>();
        for (int i = 0; i < vectors.Count; i++)
        {
            float[] v = vectors[i].Vector;
            float dot = 0;
            for (int d = 0; d < v.Length; d++)
            {
                dot += v[d] * query[d];
            }

            best.Enqueue(i, dot);
            if (best.Count > 10)
            {
                best.Dequeue();
            }
        }
    }

    private static double P(List<double> values, double p)
    {
        List<double> sorted = [.. values.Order()];
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }

    private sealed class NoExtraction : IMemoryExtractor
    {
        public string Name => "none";

        public Task<ExtractionOutcome> ExtractAsync(ExtractionRequest request, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ExtractionOutcome([], 1, null));
    }
}
