using Microsoft.Extensions.AI;

namespace Myelin.Evals.Tracing;

/// <summary>Adds <see cref="TracingChatClient"/> to a chat client pipeline.</summary>
/// <remarks>
/// <c>ChatClientBuilder</c> lives in the Microsoft.Extensions.AI package, which this build cannot restore, so the
/// extension applies to an <see cref="IChatClient"/> directly: <c>inner.UseMyelinTracing()</c> returns the traced client,
/// and further middleware wraps the result.
/// </remarks>
public static class TracingChatClientExtensions
{
    /// <summary>Wraps <paramref name="client"/> in a <see cref="TracingChatClient"/>.</summary>
    /// <param name="client">The client to trace.</param>
    /// <param name="configure">Adjusts the options (provider name, content capture, prices).</param>
    /// <param name="metrics">Shared metric instruments, e.g. built from the host's <c>IMeterFactory</c>.</param>
    public static TracingChatClient UseMyelinTracing(
        this IChatClient client, Action<TracingChatClientOptions>? configure = null, GenAiMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        var options = new TracingChatClientOptions();
        configure?.Invoke(options);
        return new TracingChatClient(client, options, metrics);
    }
}
