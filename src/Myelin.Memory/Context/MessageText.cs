using System.Text;
using Microsoft.Extensions.AI;

namespace Myelin.Memory.Context;

/// <summary>The text a message puts in the context, for counting and summarising: its text parts, function calls as
/// <c>name(key=value, ...)</c> and function results as their string form. Images and other data are not counted.</summary>
internal static class MessageText
{
    public static string Of(ChatMessage message)
    {
        if (message.Contents.All(c => c is TextContent))
        {
            return message.Text;
        }

        var text = new StringBuilder();
        foreach (AIContent content in message.Contents)
        {
            switch (content)
            {
                case TextContent t:
                    text.Append(t.Text);
                    break;
                case FunctionCallContent call:
                    text.Append(call.Name).Append('(')
                        .AppendJoin(", ", (call.Arguments ?? new Dictionary<string, object?>()).Select(a => a.Key + "=" + a.Value))
                        .Append(')');
                    break;
                case FunctionResultContent result:
                    text.Append(result.Result?.ToString());
                    break;
            }
        }

        return text.ToString();
    }

    public static string Preview(string text) => text.Length <= 80 ? text : text[..80];
}
