using System.Text;
using Myelin.Models.Formats;

namespace Myelin.Models.Tokenization;

/// <summary>
/// Renders conversations into prompt text for the common model families. The family is recognised from the GGUF
/// <c>tokenizer.chat_template</c> text (its markers, not by running Jinja); an unknown template is an error, never a guess.
/// </summary>
public sealed class ChatTemplate
{
    private ChatTemplate(ChatTemplateKind kind) => Kind = kind;

    /// <summary>The recognised family.</summary>
    public ChatTemplateKind Kind { get; }

    /// <summary>A template of a known family.</summary>
    public static ChatTemplate Of(ChatTemplateKind kind) => new(kind);

    /// <summary>Recognises the family of a Jinja chat template.</summary>
    /// <exception cref="ModelFormatException">The template is missing or of an unknown family.</exception>
    public static ChatTemplate Detect(string? template)
    {
        if (string.IsNullOrWhiteSpace(template))
        {
            throw new ModelFormatException("The model has no 'tokenizer.chat_template'; pass a template family explicitly (chatml, llama3, llama2).");
        }

        if (template.Contains("<|im_start|>", StringComparison.Ordinal))
        {
            return new(ChatTemplateKind.ChatMl);
        }

        if (template.Contains("<|start_header_id|>", StringComparison.Ordinal))
        {
            return new(ChatTemplateKind.Llama3);
        }

        if (template.Contains("[INST]", StringComparison.Ordinal))
        {
            return new(ChatTemplateKind.Llama2);
        }

        string head = template.Length > 80 ? template[..80] + "..." : template;
        throw new ModelFormatException($"Unknown chat template (supported: chatml/Qwen, Llama 3, Llama 2): '{head}'.");
    }

    /// <summary>The canonical Jinja text of a family, for models Myelin writes itself.</summary>
    public static string JinjaFor(ChatTemplateKind kind) => kind switch
    {
        ChatTemplateKind.ChatMl =>
            "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}",
        ChatTemplateKind.Llama3 =>
            "{{ bos_token }}{% for message in messages %}{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}",
        _ => "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}"
            + "{% else %}{{ ' ' + message['content'] + ' ' + eos_token }}{% endif %}{% endfor %}",
    };

    /// <summary>Renders the messages; the result is encoded with special-token parsing on and BOS not added again.</summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="addGenerationPrompt">End with the header of an assistant turn so the model answers.</param>
    /// <exception cref="ArgumentException">A role is not system, user or assistant, or Llama 2 gets turns out of order.</exception>
    public string Render(IReadOnlyList<ChatTurn> messages, bool addGenerationPrompt = true)
    {
        ArgumentNullException.ThrowIfNull(messages);
        foreach (ChatTurn message in messages)
        {
            if (message.Role is not ("system" or "user" or "assistant"))
            {
                throw new ArgumentException($"Role '{message.Role}' is not system, user or assistant.", nameof(messages));
            }
        }

        return Kind switch
        {
            ChatTemplateKind.ChatMl => RenderChatMl(messages, addGenerationPrompt),
            ChatTemplateKind.Llama3 => RenderLlama3(messages, addGenerationPrompt),
            _ => RenderLlama2(messages),
        };
    }

    private static string RenderChatMl(IReadOnlyList<ChatTurn> messages, bool addGenerationPrompt)
    {
        var text = new StringBuilder();
        foreach (ChatTurn m in messages)
        {
            text.Append("<|im_start|>").Append(m.Role).Append('\n').Append(m.Content).Append("<|im_end|>\n");
        }

        if (addGenerationPrompt)
        {
            text.Append("<|im_start|>assistant\n");
        }

        return text.ToString();
    }

    private static string RenderLlama3(IReadOnlyList<ChatTurn> messages, bool addGenerationPrompt)
    {
        var text = new StringBuilder("<|begin_of_text|>");
        foreach (ChatTurn m in messages)
        {
            text.Append("<|start_header_id|>").Append(m.Role).Append("<|end_header_id|>\n\n").Append(m.Content.Trim()).Append("<|eot_id|>");
        }

        if (addGenerationPrompt)
        {
            text.Append("<|start_header_id|>assistant<|end_header_id|>\n\n");
        }

        return text.ToString();
    }

    private static string RenderLlama2(IReadOnlyList<ChatTurn> messages)
    {
        var text = new StringBuilder();
        string? system = null;
        int start = 0;
        if (messages.Count > 0 && messages[0].Role == "system")
        {
            system = messages[0].Content;
            start = 1;
        }

        for (int i = start; i < messages.Count; i++)
        {
            ChatTurn m = messages[i];
            bool expectUser = (i - start) % 2 == 0;
            if ((m.Role == "user") != expectUser)
            {
                throw new ArgumentException("Llama 2 conversations alternate user and assistant turns, starting with the user.", nameof(messages));
            }

            if (expectUser)
            {
                text.Append("<s>[INST] ");
                if (system is not null && i == start)
                {
                    text.Append("<<SYS>>\n").Append(system).Append("\n<</SYS>>\n\n");
                }

                text.Append(m.Content.Trim()).Append(" [/INST]");
            }
            else
            {
                text.Append(' ').Append(m.Content.Trim()).Append(" </s>");
            }
        }

        return text.ToString();
    }
}
