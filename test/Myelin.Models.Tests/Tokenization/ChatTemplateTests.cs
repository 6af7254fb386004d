using Myelin.Models.Formats;

namespace Myelin.Models.Tokenization;

public sealed class ChatTemplateTests
{
    [Fact]
    public void Families_render_their_canonical_prompts()
    {
        ChatTurn[] conversation = [new("system", "S"), new("user", "U1"), new("assistant", "A1"), new("user", "U2")];
        Assert.Equal(
            "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nU1<|im_end|>\n<|im_start|>assistant\nA1<|im_end|>\n<|im_start|>user\nU2<|im_end|>\n<|im_start|>assistant\n",
            ChatTemplate.Of(ChatTemplateKind.ChatMl).Render(conversation));
        Assert.Equal(
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nS<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nU1<|eot_id|>"
            + "<|start_header_id|>assistant<|end_header_id|>\n\nA1<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nU2<|eot_id|>"
            + "<|start_header_id|>assistant<|end_header_id|>\n\n",
            ChatTemplate.Of(ChatTemplateKind.Llama3).Render(conversation));
        Assert.Equal(
            "<s>[INST] <<SYS>>\nS\n<</SYS>>\n\nU1 [/INST] A1 </s><s>[INST] U2 [/INST]",
            ChatTemplate.Of(ChatTemplateKind.Llama2).Render(conversation));
    }

    [Theory]
    [InlineData(ChatTemplateKind.ChatMl)]
    [InlineData(ChatTemplateKind.Llama3)]
    [InlineData(ChatTemplateKind.Llama2)]
    public void Canonical_jinja_is_recognised(ChatTemplateKind kind) =>
        Assert.Equal(kind, ChatTemplate.Detect(ChatTemplate.JinjaFor(kind)).Kind);

    [Fact]
    public void Unknown_or_missing_templates_are_clear_errors()
    {
        Assert.Contains("Unknown chat template", Assert.Throws<ModelFormatException>(() => ChatTemplate.Detect("{{ messages | tojson }}")).Message, StringComparison.Ordinal);
        Assert.Contains("no 'tokenizer.chat_template'", Assert.Throws<ModelFormatException>(() => ChatTemplate.Detect(null)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ChatTemplate.Of(ChatTemplateKind.ChatMl).Render([new ChatTurn("robot", "x")]));
        Assert.Throws<ArgumentException>(() => ChatTemplate.Of(ChatTemplateKind.Llama2).Render([new ChatTurn("assistant", "x")]));
    }
}
