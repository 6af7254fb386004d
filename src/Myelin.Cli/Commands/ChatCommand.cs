using System.CommandLine;
using System.Diagnostics;
using Microsoft.Extensions.AI;
using Myelin.Core;
using Myelin.Inference;
using Myelin.Inference.Chat;
using Spectre.Console;

namespace Myelin.Cli.Commands;

/// <summary><c>myelin chat --model PATH.gguf</c>: talk to a local model in the terminal, streaming its answers.</summary>
internal static class ChatCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A GGUF model file (llama or qwen2) with a tokenizer and chat template.", Required = true };
        var system = new Option<string?>("--system") { Description = "A system prompt." };
        var prompt = new Option<string?>("--prompt") { Description = "Ask one question, print the answer and exit (otherwise read questions from the terminal)." };
        var temperature = new Option<float>("--temperature") { Description = "Sampling temperature (0 = greedy).", DefaultValueFactory = _ => 0.7f };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Longest answer in tokens.", DefaultValueFactory = _ => 256 };
        var seed = new Option<long?>("--seed") { Description = "Seed for reproducible sampling." };
        var mmap = new Option<bool>("--mmap") { Description = "Read the weights in place from the mapped file instead of copying them into memory." };
        var command = new Command("chat", "Chat with a local GGUF model in the terminal.") { model, system, prompt, temperature, maxTokens, seed, mmap };
        command.SetAction((result, cancellationToken) => RunAsync(
            result.GetValue(model)!, result.GetValue(system), result.GetValue(prompt), result.GetValue(temperature), result.GetValue(maxTokens),
            result.GetValue(seed), result.GetValue(mmap), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        string path, string? system, string? prompt, float temperature, int maxTokens, long? seed, bool mapWeights, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new MyelinValidationException("model_not_found", $"--model: no file at '{path}'.");
        }

        if (maxTokens < 1 || temperature < 0)
        {
            throw new MyelinValidationException("invalid_option", "--max-tokens must be at least 1 and --temperature at least 0.");
        }

        using LocalChatClient client = LocalChatClient.Open(
            path, new LocalChatClientOptions { WeightPlacement = mapWeights ? WeightPlacement.Mapped : WeightPlacement.Resident });
        var options = new ChatOptions { Temperature = temperature, MaxOutputTokens = maxTokens, Seed = seed };
        List<ChatMessage> conversation = system is null ? [] : [new ChatMessage(ChatRole.System, system)];
        bool interactive = prompt is null;
        if (interactive)
        {
            AnsiConsole.MarkupLine($"[bold]{Markup.Escape(client.Metadata.DefaultModelId ?? path)}[/] ready. Type a message; an empty line or Ctrl+D ends.");
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            string? question = prompt;
            if (interactive)
            {
                Console.Write("> ");
                question = Console.ReadLine();
            }

            if (string.IsNullOrWhiteSpace(question))
            {
                break;
            }

            conversation.Add(new ChatMessage(ChatRole.User, question));
            conversation.Add(await AnswerAsync(client, conversation, options, interactive, cancellationToken));
            if (!interactive)
            {
                break;
            }
        }

        return 0;
    }

    private static async Task<ChatMessage> AnswerAsync(
        LocalChatClient client, List<ChatMessage> conversation, ChatOptions options, bool interactive, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var answer = new System.Text.StringBuilder();
        UsageDetails? usage = null;
        await foreach (ChatResponseUpdate update in client.GetStreamingResponseAsync(conversation, options, cancellationToken))
        {
            Console.Write(update.Text);
            answer.Append(update.Text);
            usage = update.Contents.OfType<UsageContent>().FirstOrDefault()?.Details ?? usage;
        }

        Console.WriteLine();
        if (interactive && usage is not null)
        {
            double seconds = Math.Max(clock.Elapsed.TotalSeconds, 1e-6);
            AnsiConsole.MarkupLine(
                $"[grey]{usage.InputTokenCount} prompt tokens ({usage.CachedInputTokenCount} cached), {usage.OutputTokenCount} generated, " +
                $"{usage.OutputTokenCount / seconds:F1} tokens/s[/]");
        }

        return new ChatMessage(ChatRole.Assistant, answer.ToString());
    }
}
