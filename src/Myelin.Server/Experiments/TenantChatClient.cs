using Microsoft.Extensions.AI;
using Myelin.Core;
using Myelin.Inference.Chat;

namespace Myelin.Server.Experiments;

/// <summary>Stamps every call to a served model with the caller's tenant, so experiment and judge calls use that tenant's prefix cache.</summary>
internal sealed class TenantChatClient(IChatClient inner, TenantId tenant) : DelegatingChatClient(inner)
{
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetResponseAsync(messages, Stamp(options), cancellationToken);

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetStreamingResponseAsync(messages, Stamp(options), cancellationToken);

    // The served model is shared and outlives the run, so disposing this wrapper must not dispose it.
    protected override void Dispose(bool disposing)
    {
    }

    private ChatOptions Stamp(ChatOptions? options)
    {
        ChatOptions stamped = options?.Clone() ?? new ChatOptions();
        stamped.AdditionalProperties = stamped.AdditionalProperties is { } properties ? new AdditionalPropertiesDictionary(properties) : [];
        stamped.AdditionalProperties[LocalChatClient.TenantProperty] = tenant.Value;
        return stamped;
    }
}
