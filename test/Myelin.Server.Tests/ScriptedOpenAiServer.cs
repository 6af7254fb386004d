using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Myelin.Server;

/// <summary>
/// A deterministic OpenAI-compatible endpoint on a loopback port: answers a question from a fixed table, and as a judge
/// scores 5 when the graded answer equals the reference and 1 otherwise.
/// </summary>
internal sealed partial class ScriptedOpenAiServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ScriptedOpenAiServer(WebApplication app) => _app = app;

    public Uri BaseAddress => new(_app.Urls.First() + "/v1");

    public static async Task<ScriptedOpenAiServer> StartAsync(IReadOnlyDictionary<string, string> answers)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        app.MapPost("/v1/chat/completions", async (HttpContext context) =>
        {
            using JsonDocument request = await JsonDocument.ParseAsync(context.Request.Body);
            string user = request.RootElement.GetProperty("messages").EnumerateArray().Last(m => m.GetProperty("role").GetString() == "user")
                .GetProperty("content").GetString()!;
            Match graded = Graded().Match(user);
            string content = graded.Success
                ? JsonSerializer.Serialize(new Verdict(graded.Groups[1].Value.Trim() == graded.Groups[2].Value.Trim() ? 5 : 1, "Scripted verdict."))
                : answers.GetValueOrDefault(user.Trim(), "I do not know.");
            await context.Response.WriteAsJsonAsync(new Completion("c1", "chat.completion", [new Choice(0, new Message("assistant", content), "stop")]));
        });
        await app.StartAsync();
        return new ScriptedOpenAiServer(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    [GeneratedRegex(@"Reference answer:\s*(.*?)\s*Answer to grade:\s*(.*?)\s*Score 1", RegexOptions.Singleline)]
    private static partial Regex Graded();

    private sealed record Verdict(int score, string reason);

    private sealed record Message(string role, string content);

    private sealed record Choice(int index, Message message, string finish_reason);

    private sealed record Completion(string id, string @object, Choice[] choices);
}
