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

/// <summary>Memory at scale: ingest N turns of one user (batches of 1,000, no extraction), then hybrid recall latency
/// interleaved query by query with a brute-force scan of every stored vector (the reference), in the same run.</summary>
/// <remarks>Run: <c>dotnet run -c Release --project bench/Myelin.Benchmarks -- memory-scale [turns] [queries] [dense]</c>;
/// with <c>dense</c> the dense SIMD scan and HNSW paths are timed too (slow to build above 100k).</remarks>
public static class MemoryScale
{
    public static int Run(string[] args)
    {
        int turns = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
        int queries = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
        bool dense = args.Length > 2 && args[2] == "dense";
        return RunAsync(turns, queries, dense).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(int turnCount, int queryCount, bool dense)
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
            await store.SearchTextAsync(tenant, new MemoryFilter { UserId = "user-000" }, ["live"], 1);
            double indexed = clock.Elapsed.TotalSeconds;
            Console.WriteLine($"memory-scale: {turns.Length} turns of one user, batches of 1000, no extraction");
            Console.WriteLine($"ingest acknowledged (log + episode rows with vectors, durable): {ingest:F1} s = {turns.Length / ingest:F0} turns/s; " +
                $"full-text index caught up at {indexed:F1} s = {turns.Length / indexed:F0} turns/s");

            var random = new Random(5);
            string[] questions = [.. Enumerable.Range(0, queryCount).Select(_ => turns[random.Next(turns.Length)].Text)];
            IReadOnlyList<StoredVector> vectors = await store.ReadVectorsAsync(tenant, "user-000", 0);
            var retriever = new MemoryRetriever(store, embeddings, new MemoryRetrieverOptions { RecordAccess = false });
            double first = await WarmUpAsync(retriever, tenant);
            var sparse = new SparseVectorSearch(embeddings.Dimensions);
            foreach (StoredVector v in vectors)
            {
                sparse.Add(v.Vector);
            }

            // Interleaved per query: hybrid recall, the brute-force reference, the sparse vector search the recall uses;
            // ratios are taken per query and their median reported.
            var ours = new List<double>();
            var brute = new List<double>();
            var vectorOnly = new List<double>();
            var ratios = new List<double>();
            var vectorRatios = new List<double>();
            int exact = 0;
            foreach (string q in questions)
            {
                long start = Stopwatch.GetTimestamp();
                await retriever.RecallAsync(tenant, new RecallRequest("user-000", q) { NeighbourTurns = 0 });
                ours.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                start = Stopwatch.GetTimestamp();
                float[] query = embeddings.Embed(q);
                float tenth = ScalarTopK(vectors, query, 10);
                brute.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                start = Stopwatch.GetTimestamp();
                ScoredVector[] top = sparse.TopK(embeddings.Embed(q), 10);
                vectorOnly.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                ratios.Add(brute[^1] / ours[^1]);
                vectorRatios.Add(brute[^1] / vectorOnly[^1]);
                exact += top.Length == 10 && top[^1].Similarity >= tenth - 1e-5f ? 1 : 0;
            }

            Console.WriteLine($"load average at the end: {File.ReadAllText("/proc/loadavg").Trim()}");
            Console.WriteLine("| path | first call | p50 | p95 |");
            Console.WriteLine("| --- | --- | --- | --- |");
            Console.WriteLine($"| hybrid recall (BM25 + sparse exact vectors + fusion + row loads) | {first:F0} ms | {P(ours, 0.5):F2} ms | {P(ours, 0.95):F2} ms |");
            Console.WriteLine($"| vector top 10 only, sparse exact search (what recall uses) | - | {P(vectorOnly, 0.5):F2} ms | {P(vectorOnly, 0.95):F2} ms |");
            Console.WriteLine($"| reference: brute-force scalar scan of every vector, top 10 only | - | {P(brute, 0.5):F2} ms | {P(brute, 0.95):F2} ms |");
            Console.WriteLine($"median of per-query ratios, brute force / hybrid recall: {P(ratios, 0.5):F2}x; brute force / sparse search: " +
                $"{P(vectorRatios, 0.5):F1}x; sparse top 10 as similar as brute force's: {exact}/{questions.Length}");
            if (dense)
            {
                await DenseAsync(store, embeddings, tenant, questions, int.MaxValue, "dense exact SIMD scan");
                await DenseAsync(store, embeddings, tenant, questions, 20_000, "HNSW (M=16, ef=96)");
            }

            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<double> WarmUpAsync(MemoryRetriever retriever, TenantId tenant)
    {
        long first = Stopwatch.GetTimestamp();
        await retriever.RecallAsync(tenant, new RecallRequest("user-000", "warm up") { NeighbourTurns = 0 });
        await retriever.WarmUpAsync(tenant, "user-000");
        return Stopwatch.GetElapsedTime(first).TotalMilliseconds;
    }

    private static async Task DenseAsync(
        SqliteMemoryStore store, HashedNgramEmbeddingGenerator embeddings, TenantId tenant, string[] questions, int hnswThreshold, string label)
    {
        var retriever = new MemoryRetriever(
            store, embeddings, new MemoryRetrieverOptions { HnswThreshold = hnswThreshold, RecordAccess = false, SparseVectorSearch = false });
        double first = await WarmUpAsync(retriever, tenant);
        var times = new List<double>();
        foreach (string q in questions)
        {
            long start = Stopwatch.GetTimestamp();
            await retriever.RecallAsync(tenant, new RecallRequest("user-000", q) { NeighbourTurns = 0 });
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        Console.WriteLine($"| hybrid recall, {label} | {first:F0} ms | {P(times, 0.5):F2} ms | {P(times, 0.95):F2} ms |");
    }

    // The 10th best similarity: a plain loop over every stored vector, the reference for the retriever's vector side.
    private static float ScalarTopK(IReadOnlyList<StoredVector> vectors, float[] query, int k)
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
            if (best.Count > k)
            {
                best.Dequeue();
            }
        }

        return best.TryPeek(out _, out float tenth) ? tenth : float.MinValue;
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
