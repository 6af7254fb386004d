using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Myelin.Inference.Caching;
using Myelin.Inference.Sampling;
using Myelin.Models.Formats;

namespace Myelin.Inference.Scheduling;

public sealed class EngineSchedulerTests
{
    private static readonly SamplingOptions s_greedy = SamplingOptions.Greedy with { MaxTokens = 6 };

    [Fact]
    public async Task Batched_requests_generate_what_each_would_generate_alone()
    {
        int[][] prompts = [[1, 5, 9, 3], [2, 4, 6, 8, 10, 12, 14, 16, 18, 20], [7], [30, 31, 32, 33, 34, 35]];
        using InferenceModel model = InferenceModel.Open(TestModels.Get(TestModels.Llama, GgmlType.F32));
        int[][] alone = [.. prompts.Select(p => Greedy(model, p, s_greedy.MaxTokens))];

        using var scheduler = new EngineScheduler(model, cache: null, new SchedulerOptions { MaxRunning = 4, MaxBatchTokens = 16, PrefillChunk = 4 });
        ChannelReader<GenerationEvent>[] streams = [.. prompts.Select(p => scheduler.Submit(new GenerationRequest(p, s_greedy, CacheTenant.Default)))];
        int[][] batched = await Task.WhenAll(streams.Select(ReadTokensAsync));
        for (int i = 0; i < prompts.Length; i++)
        {
            Assert.Equal(alone[i], batched[i]);
        }
    }

    [Fact]
    public async Task Requests_after_the_first_reuse_its_sequence_and_see_none_of_its_tokens()
    {
        using InferenceModel model = InferenceModel.Open(TestModels.Get(TestModels.Llama, GgmlType.F32));
        using var scheduler = new EngineScheduler(model, cache: null, new SchedulerOptions { MaxRunning = 2, MaxBatchTokens = 16 });

        // One at a time, so each request after the first runs in the sequence the one before left behind, dirty.
        int[][] prompts = [[2, 4, 6, 8, 10, 12, 14, 16, 18, 20], [1, 5, 9, 3], [30, 31, 32, 33, 34, 35]];
        foreach (int[] prompt in prompts)
        {
            int[] generated = await ReadTokensAsync(scheduler.Submit(new GenerationRequest(prompt, s_greedy, CacheTenant.Default)));
            Assert.Equal(Greedy(model, prompt, s_greedy.MaxTokens), generated);
        }

        Assert.Equal(1, scheduler.PooledSequences);
    }

    [Fact]
    public async Task A_full_queue_is_refused_and_cancelled_requests_free_their_slot()
    {
        using InferenceModel model = InferenceModel.Open(TestModels.Get(TestModels.Llama, GgmlType.Q8_0));
        using var scheduler = new EngineScheduler(model, cache: null, new SchedulerOptions { MaxRunning = 1, MaxQueued = 1, MaxBatchTokens = 8 });
        SamplingOptions lengthy = SamplingOptions.Greedy with { MaxTokens = 40 };

        // A lengthy first request holds the one slot while a second waits and a third is refused; then cancelling the
        // first frees the slot for the second. On a fast or a descheduled test thread the first may finish before the
        // queue fills or before the cancel lands: such an attempt proves nothing and is run again.
        for (int attempt = 0; ; attempt++)
        {
            Assert.True(attempt < 20, "the first request always finished before the queue filled");
            using var cancel = new CancellationTokenSource();
            ChannelReader<GenerationEvent> first = scheduler.Submit(new GenerationRequest(TestModels.Prompt, lengthy, CacheTenant.Default), cancel.Token);
            await first.WaitToReadAsync();
            ChannelReader<GenerationEvent> second = scheduler.Submit(new GenerationRequest(TestModels.Prompt, s_greedy, CacheTenant.Default));
            ChannelReader<GenerationEvent>? third = null;
            SchedulerFullException? full = null;
            try
            {
                third = scheduler.Submit(new GenerationRequest(TestModels.Prompt, s_greedy, CacheTenant.Default));
            }
            catch (SchedulerFullException e)
            {
                full = e;
            }

            await cancel.CancelAsync();
            bool cancelled = false;
            try
            {
                await ReadTokensAsync(first);
            }
            catch (OperationCanceledException)
            {
                cancelled = true;
            }

            Assert.Equal(s_greedy.MaxTokens, (await ReadTokensAsync(second)).Length);
            if (third is not null)
            {
                await ReadTokensAsync(third);
            }

            if (full is not null && cancelled)
            {
                Assert.True(full.RetryAfter > TimeSpan.Zero);
                return;
            }
        }
    }

    [Fact]
    public async Task The_round_robin_resumes_after_a_tenant_whose_queue_emptied()
    {
        // Tenants a (two requests), b (one) and c (two) queue behind a running request of tenant g. The turns must go
        // a, b, c, a, c: when b's queue empties and b leaves the order, c (now in b's place) is next, not a.
        using InferenceModel model = InferenceModel.Open(TestModels.Get(TestModels.Llama, GgmlType.Q8_0));
        SamplingOptions lengthy = SamplingOptions.Greedy with { MaxTokens = 40 };
        for (int attempt = 0; ; attempt++)
        {
            Assert.True(attempt < 20, "the running request always finished before the others were queued");
            using var scheduler = new EngineScheduler(model, cache: null, new SchedulerOptions { MaxRunning = 1, MaxBatchTokens = 16 });
            var admitted = new List<string>();
            scheduler.Admitted = request => { lock (admitted) { admitted.Add(request.Tenant.Value); } };
            ChannelReader<GenerationEvent> gate = scheduler.Submit(new GenerationRequest(TestModels.Prompt, lengthy, new CacheTenant("g")));
            await gate.WaitToReadAsync();
            string[] tenants = ["a", "a", "b", "c", "c"];
            ChannelReader<GenerationEvent>[] streams = [.. tenants.Select(t => scheduler.Submit(new GenerationRequest(TestModels.Prompt, s_greedy, new CacheTenant(t))))];
            lock (admitted)
            {
                admitted.Add("queued");
            }

            await ReadTokensAsync(gate);
            await Task.WhenAll(streams.Select(ReadTokensAsync));
            List<string> order;
            lock (admitted)
            {
                order = [.. admitted];
            }

            if (order.IndexOf("queued") != 1)
            {
                continue; // the gate finished and a decision was taken before all five were queued: proves nothing
            }

            Assert.Equal(["g", "queued", "a", "b", "c", "a", "c"], order);
            return;
        }
    }

    [Fact]
    public async Task Tenants_take_turns_and_a_repeated_prompt_hits_the_tenant_cache()
    {
        using InferenceModel model = InferenceModel.Open(TestModels.Get(TestModels.Llama, GgmlType.Q8_0));
        KvSequence probe = model.CreateSequence(1);
        var cache = new RadixPrefixCache(new KvBlockPool(64, 4, probe.LayerCount, probe.KvDim));
        var recorded = new List<(string Name, double Value)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == InferenceAssembly.TelemetryName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((i, v, _, _) => { lock (recorded) { recorded.Add((i.Name, v)); } });
        listener.SetMeasurementEventCallback<long>((i, v, _, _) => { lock (recorded) { recorded.Add((i.Name, v)); } });
        listener.SetMeasurementEventCallback<int>((i, v, _, _) => { lock (recorded) { recorded.Add((i.Name, v)); } });
        listener.Start();

        using var scheduler = new EngineScheduler(model, cache, new SchedulerOptions { MaxRunning = 1, MaxBatchTokens = 16 });
        var tenantA = new CacheTenant("a");
        var tenantB = new CacheTenant("b");

        // The admission order as the scheduler's thread sees it, with a marker once B's request is queued. The engine may
        // run A's first requests before B's is even submitted; from the marker on, B waits behind at most one of A's.
        var admitted = new List<string>();
        scheduler.Admitted = request => { lock (admitted) { admitted.Add(request.Tenant == tenantB ? "b0" : "a"); } };
        ChannelReader<GenerationEvent>[] streams =
        [
            .. Enumerable.Range(0, 3).Select(_ => scheduler.Submit(new GenerationRequest(TestModels.Prompt, s_greedy, tenantA))),
            scheduler.Submit(new GenerationRequest(TestModels.Prompt, s_greedy, tenantB)),
        ];
        lock (admitted)
        {
            admitted.Add("queued");
        }

        await Task.WhenAll(streams.Select(ReadTokensAsync));
        List<string> order;
        lock (admitted)
        {
            order = [.. admitted];
        }

        // One slot: B does not wait behind all of A's requests.
        int queued = order.IndexOf("queued");
        int b = order.IndexOf("b0");
        Assert.True(b < queued || order.Skip(queued + 1).Take(b - queued - 1).Count(x => x == "a") <= 1, string.Join(",", order));

        // The same prompt again in tenant A is served from A's cache; tenant C has nothing cached.
        GenerationEvent again = await FirstAsync(scheduler.Submit(new GenerationRequest(TestModels.Prompt, s_greedy, tenantA)));
        GenerationEvent other = await FirstAsync(scheduler.Submit(new GenerationRequest(TestModels.Prompt, s_greedy, new CacheTenant("c"))));
        Assert.Equal(TestModels.Prompt.Length - 1, again.CachedPromptTokens);
        Assert.Equal(0, other.CachedPromptTokens);

        listener.RecordObservableInstruments();
        lock (recorded)
        {
            Assert.Contains(recorded, r => r.Name == "myelin.inference.time_to_first_token" && r.Value > 0);
            Assert.Contains(recorded, r => r.Name == "myelin.inference.inter_token_latency");
            Assert.Contains(recorded, r => r.Name == "myelin.inference.prefix_cache_hits" && r.Value > 0);
            Assert.Contains(recorded, r => r.Name == "myelin.inference.prefix_cache_time" && r.Value > 0);
            Assert.Contains(recorded, r => r.Name == "myelin.inference.requests_running");
        }

        // The engine's time in the cache is counted (stores and loads happened) and is a fraction of the run.
        Assert.True(scheduler.PrefixCacheTime > TimeSpan.Zero);
    }

    [Fact]
    public void Bad_requests_are_refused_up_front()
    {
        using InferenceModel model = InferenceModel.Open(TestModels.Get(TestModels.Llama, GgmlType.Q8_0));
        using var scheduler = new EngineScheduler(model, cache: null);
        Assert.Throws<ArgumentException>(() => scheduler.Submit(new GenerationRequest([], s_greedy, CacheTenant.Default)));
        Assert.Throws<ArgumentException>(() => scheduler.Submit(new GenerationRequest([model.Shape.VocabSize], s_greedy, CacheTenant.Default)));
        Assert.Throws<ArgumentException>(() => scheduler.Submit(new GenerationRequest(new int[model.Shape.ContextLength], s_greedy, CacheTenant.Default)));
        Assert.Throws<ArgumentException>(() => scheduler.Submit(new GenerationRequest([1], s_greedy with { TopP = 2 }, CacheTenant.Default)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SchedulerOptions { MaxRunning = 4, MaxBatchTokens = 2 }.Validate());
    }

    private static int[] Greedy(InferenceModel model, int[] prompt, int count)
    {
        KvSequence sequence = model.CreateSequence(prompt.Length + count + 1);
        var logits = new float[model.Shape.VocabSize];
        model.Prefill(sequence, prompt, logits);
        var tokens = new int[count];
        for (int i = 0; i < count; i++)
        {
            tokens[i] = Array.IndexOf(logits, logits.Max());
            if (i + 1 < count)
            {
                model.Decode(sequence, tokens[i], logits);
            }
        }

        return tokens;
    }

    private static async Task<int[]> ReadTokensAsync(ChannelReader<GenerationEvent> events)
    {
        var tokens = new List<int>();
        await foreach (GenerationEvent e in events.ReadAllAsync())
        {
            if (e.Stop != StopReason.StopToken)
            {
                tokens.Add(e.Token);
            }
        }

        return [.. tokens];
    }

    private static async Task<GenerationEvent> FirstAsync(ChannelReader<GenerationEvent> events)
    {
        GenerationEvent first = await events.ReadAsync();
        await ReadTokensAsync(events);
        return first;
    }
}
