namespace Myelin.Models.Tokenization;

/// <summary>The kind of a vocabulary entry, with the values GGUF's <c>tokenizer.ggml.token_type</c> uses.</summary>
public enum TokenType
{
    /// <summary>No type given.</summary>
    Undefined = 0,

    /// <summary>An ordinary text piece.</summary>
    Normal = 1,

    /// <summary>The unknown-token placeholder.</summary>
    Unknown = 2,

    /// <summary>A control token (BOS, EOS, chat markers): never produced from plain text.</summary>
    Control = 3,

    /// <summary>A user-defined token matched literally in text.</summary>
    UserDefined = 4,

    /// <summary>A reserved, unused slot.</summary>
    Unused = 5,

    /// <summary>A byte-fallback token such as <c>&lt;0x0A&gt;</c>.</summary>
    Byte = 6,
}
