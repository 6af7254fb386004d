using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Myelin.Evals.Datasets;

namespace Myelin.Evals.Experiments;

/// <summary>
/// Turns a dataset item into the messages sent to the target: an optional system prompt and a user template, with
/// placeholders <c>{{input}}</c>, <c>{{context}}</c> (passages joined by blank lines) and <c>{{metadata.KEY}}</c>.
/// </summary>
public sealed partial record PromptTemplate
{
    /// <summary>Creates a template.</summary>
    /// <exception cref="ArgumentException">The user template is empty or has no <c>{{input}}</c>.</exception>
    public PromptTemplate(string userTemplate = "{{input}}", string? systemPrompt = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userTemplate);
        if (!userTemplate.Contains("{{input}}", StringComparison.Ordinal))
        {
            throw new ArgumentException("The user template must contain {{input}}.", nameof(userTemplate));
        }

        UserTemplate = userTemplate;
        SystemPrompt = systemPrompt;
    }

    /// <summary>The user message template.</summary>
    public string UserTemplate { get; }

    /// <summary>The system prompt (also templated), or null.</summary>
    public string? SystemPrompt { get; }

    /// <summary>The messages for one item.</summary>
    public List<ChatMessage> Render(DatasetItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var messages = new List<ChatMessage>(2);
        if (SystemPrompt is not null)
        {
            messages.Add(new ChatMessage(ChatRole.System, Fill(SystemPrompt, item)));
        }

        messages.Add(new ChatMessage(ChatRole.User, Fill(UserTemplate, item)));
        return messages;
    }

    private static string Fill(string template, DatasetItem item) => Placeholder().Replace(template, m => m.Groups[1].Value switch
    {
        "input" => item.Input,
        "context" => string.Join("\n\n", item.Context),
        string key when key.StartsWith("metadata.", StringComparison.Ordinal) => item.Metadata.GetValueOrDefault(key["metadata.".Length..]) ?? string.Empty,
        _ => m.Value,
    });

    [GeneratedRegex(@"\{\{([A-Za-z0-9_.\-]+)\}\}")]
    private static partial Regex Placeholder();
}
