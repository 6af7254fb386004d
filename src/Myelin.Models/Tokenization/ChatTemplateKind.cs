namespace Myelin.Models.Tokenization;

/// <summary>The chat prompt formats Myelin renders natively.</summary>
public enum ChatTemplateKind
{
    /// <summary>ChatML as Qwen uses it: <c>&lt;|im_start|&gt;role\ncontent&lt;|im_end|&gt;</c>.</summary>
    ChatMl,

    /// <summary>Llama 3: <c>&lt;|start_header_id|&gt;role&lt;|end_header_id|&gt;\n\ncontent&lt;|eot_id|&gt;</c>.</summary>
    Llama3,

    /// <summary>Llama 2: <c>[INST] &lt;&lt;SYS&gt;&gt;...&lt;&lt;/SYS&gt;&gt; user [/INST] assistant</c>.</summary>
    Llama2,
}
