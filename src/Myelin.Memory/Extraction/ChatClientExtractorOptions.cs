namespace Myelin.Memory.Extraction;

/// <summary>Settings of <see cref="ChatClientExtractor"/>.</summary>
public sealed class ChatClientExtractorOptions
{
    /// <summary>How many times to ask before quarantining the output (1 to 10; default 3).</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Most memories accepted from one call (default 50).</summary>
    public int MaxMemories { get; set; } = 50;

    /// <summary>The model id passed in <c>ChatOptions.ModelId</c>, or null for the client's default.</summary>
    public string? ModelId { get; set; }
}
