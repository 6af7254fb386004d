namespace Myelin.Models.Formats;

/// <summary>A temporary file deleted on dispose.</summary>
internal sealed class TempFile : IDisposable
{
    public TempFile(string extension = ".bin")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "myelin-models-" + Guid.NewGuid().ToString("N") + extension);
    }

    public string Path { get; }

    public static TempFile WithBytes(ReadOnlySpan<byte> bytes, string extension = ".bin")
    {
        var f = new TempFile(extension);
        File.WriteAllBytes(f.Path, bytes.ToArray());
        return f;
    }

    public void Dispose()
    {
        try
        {
            File.Delete(Path);
        }
        catch (IOException)
        {
        }
    }
}
