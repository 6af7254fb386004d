using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Myelin.Inference.Caching;

/// <summary>
/// The second KV tier: prefixes evicted from memory are written to files (one per prefix, atomically: temp file,
/// flush, rename) and restored into a sequence when a later prompt starts with them — also after a restart, since the
/// index is rebuilt from the files' headers. Files of another model (by fingerprint) are ignored.
/// </summary>
/// <remarks>Thread-safe. Per-tenant: a tenant only ever restores its own prefixes.</remarks>
public sealed class DiskKvTier : IKvSpillTier
{
    private const uint Magic = 0x564B594D; // "MYKV"
    private const int Version = 1;

    private readonly string _directory;
    private readonly string _fingerprint;
    private readonly int _layers;
    private readonly int _kvDim;
    private readonly long _maxBytes;
    private readonly int _minTokens;
    private readonly Lock _lock = new();
    private readonly Dictionary<CacheTenant, List<Entry>> _index = [];

    /// <summary>Opens (or creates) the tier in <paramref name="directory"/> for a model of this geometry and fingerprint.</summary>
    /// <param name="directory">Where the files live.</param>
    /// <param name="fingerprint">Identifies the model; files of other models are left alone.</param>
    /// <param name="layers">Layers of the model.</param>
    /// <param name="kvDim">KV width per layer.</param>
    /// <param name="maxBytes">Disk budget; the oldest files go first when it is exceeded.</param>
    /// <param name="minTokens">Shorter prefixes are not worth a file.</param>
    public DiskKvTier(string directory, string fingerprint, int layers, int kvDim, long maxBytes = 8L << 30, int minTokens = 64)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(fingerprint);
        ArgumentOutOfRangeException.ThrowIfLessThan(layers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(kvDim, 1);
        _directory = Directory.CreateDirectory(directory).FullName;
        _fingerprint = fingerprint;
        _layers = layers;
        _kvDim = kvDim;
        _maxBytes = maxBytes;
        _minTokens = minTokens;
        foreach (string stale in Directory.EnumerateFiles(_directory, "*.tmp"))
        {
            File.Delete(stale);
        }

        foreach (string path in Directory.EnumerateFiles(_directory, "*.kv"))
        {
            if (TryReadHeader(path, out CacheTenant tenant, out int[] tokens))
            {
                Add(tenant, new Entry(path, tokens, new FileInfo(path).Length, File.GetLastWriteTimeUtc(path)));
            }
        }
    }

    /// <summary>Prefixes held on disk.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _index.Values.Sum(l => l.Count);
            }
        }
    }

    /// <inheritdoc />
    public void Spill(CacheTenant tenant, int[] tokens, float[][] keys, float[][] values)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(values);
        if (tokens.Length < _minTokens || keys.Length != _layers || values.Length != _layers)
        {
            return;
        }

        string path = Path.Combine(_directory, FileName(tenant, tokens));
        lock (_lock)
        {
            if (File.Exists(path))
            {
                return;
            }
        }

        string temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
        {
            WriteHeader(stream, tenant, tokens);
            for (int l = 0; l < _layers; l++)
            {
                stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(keys[l].AsSpan(0, tokens.Length * _kvDim)));
                stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values[l].AsSpan(0, tokens.Length * _kvDim)));
            }

            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
        lock (_lock)
        {
            Add(tenant, new Entry(path, tokens, new FileInfo(path).Length, DateTime.UtcNow));
            EnforceBudget();
        }
    }

    /// <summary>
    /// Extends a sequence that already holds <paramref name="loaded"/> tokens of <paramref name="prompt"/> with the longest
    /// stored prefix of it, reading only the missing positions; returns the tokens the sequence now holds.
    /// </summary>
    public int Restore(CacheTenant tenant, ReadOnlySpan<int> prompt, KvSequence sequence, int loaded)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        if (sequence.LayerCount != _layers || sequence.KvDim != _kvDim || sequence.Length != loaded)
        {
            throw new ArgumentException("The sequence does not match this tier's geometry or the loaded length.", nameof(sequence));
        }

        Entry? best = null;
        int bestMatch = loaded;
        lock (_lock)
        {
            if (_index.TryGetValue(tenant, out List<Entry>? entries))
            {
                foreach (Entry entry in entries)
                {
                    int match = Math.Min(prompt.CommonPrefixLength(entry.Tokens), sequence.Capacity);
                    if (match > bestMatch)
                    {
                        (best, bestMatch) = (entry, match);
                    }
                }
            }
        }

        if (best is null)
        {
            return loaded;
        }

        try
        {
            ReadInto(best, loaded, bestMatch, sequence);
        }
        catch (IOException)
        {
            // A file removed or damaged under us: forget it and keep what memory gave.
            Forget(best);
            return loaded;
        }

        sequence.SetLength(bestMatch);
        return bestMatch;
    }

    /// <summary>A stable fingerprint of a loaded model: its shape, weight type, file length and leading weight bytes.</summary>
    public static string Fingerprint(InferenceModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{model.Shape}|{model.WeightType}|{model.File.FileLength}"));
        foreach (Myelin.Models.Formats.GgufTensorInfo tensor in model.File.Tensors.Take(4))
        {
            ReadOnlySpan<byte> data = model.File.GetTensorData(tensor);
            hash.AppendData(data[..Math.Min(data.Length, 4096)]);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>
    /// Reads positions [<paramref name="from"/>, <paramref name="to"/>) of every layer straight into the sequence's
    /// storage: one positioned read per layer and side, no intermediate buffer and no copy after the read.
    /// </summary>
    private void ReadInto(Entry entry, int from, int to, KvSequence sequence)
    {
        int count = to - from;
        long rowBytes = (long)_kvDim * sizeof(float);
        using SafeFileHandle file = File.OpenHandle(entry.Path, FileMode.Open, FileAccess.Read, FileShare.Read);
        long headerBytes = HeaderBytes(entry.Tokens.Length, entry.TenantBytes);
        long sideBytes = entry.Tokens.Length * rowBytes;
        for (int l = 0; l < _layers; l++)
        {
            long keysAt = headerBytes + (l * 2 * sideBytes) + (from * rowBytes);
            ReadExactly(file, sequence.KeyStorage(l).Slice(from * _kvDim, count * _kvDim), keysAt);
            ReadExactly(file, sequence.ValueStorage(l).Slice(from * _kvDim, count * _kvDim), keysAt + sideBytes);
        }
    }

    private static void ReadExactly(SafeFileHandle file, Span<float> destination, long offset)
    {
        Span<byte> bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(destination);
        while (!bytes.IsEmpty)
        {
            int read = RandomAccess.Read(file, bytes, offset);
            if (read == 0)
            {
                throw new EndOfStreamException("The KV file ended before the positions it was asked for.");
            }

            bytes = bytes[read..];
            offset += read;
        }
    }

    private void WriteHeader(Stream stream, CacheTenant tenant, int[] tokens)
    {
        byte[] tenantBytes = Encoding.UTF8.GetBytes(tenant.Value);
        byte[] fingerprint = Encoding.ASCII.GetBytes(_fingerprint.PadRight(64)[..64]);
        Span<byte> fixedPart = stackalloc byte[4 + 4 + 64 + 4 + 4 + 4 + 4];
        BinaryPrimitives.WriteUInt32LittleEndian(fixedPart, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(fixedPart[4..], Version);
        fingerprint.CopyTo(fixedPart[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(fixedPart[72..], _layers);
        BinaryPrimitives.WriteInt32LittleEndian(fixedPart[76..], _kvDim);
        BinaryPrimitives.WriteInt32LittleEndian(fixedPart[80..], tenantBytes.Length);
        BinaryPrimitives.WriteInt32LittleEndian(fixedPart[84..], tokens.Length);
        stream.Write(fixedPart);
        stream.Write(tenantBytes);
        stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(tokens.AsSpan()));
    }

    private bool TryReadHeader(string path, out CacheTenant tenant, out int[] tokens)
    {
        tenant = default;
        tokens = [];
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read);
            Span<byte> fixedPart = stackalloc byte[88];
            stream.ReadExactly(fixedPart);
            string fingerprint = Encoding.ASCII.GetString(fixedPart.Slice(8, 64)).TrimEnd();
            if (BinaryPrimitives.ReadUInt32LittleEndian(fixedPart) != Magic || BinaryPrimitives.ReadInt32LittleEndian(fixedPart[4..]) != Version
                || fingerprint != _fingerprint.PadRight(64)[..64].TrimEnd()
                || BinaryPrimitives.ReadInt32LittleEndian(fixedPart[72..]) != _layers || BinaryPrimitives.ReadInt32LittleEndian(fixedPart[76..]) != _kvDim)
            {
                return false;
            }

            int tenantLength = BinaryPrimitives.ReadInt32LittleEndian(fixedPart[80..]);
            int count = BinaryPrimitives.ReadInt32LittleEndian(fixedPart[84..]);
            if (tenantLength is < 1 or > 256 || count < 1 || stream.Length != HeaderBytes(count, tenantLength) + (2L * _layers * count * _kvDim * sizeof(float)))
            {
                return false;
            }

            byte[] tenantBytes = new byte[tenantLength];
            stream.ReadExactly(tenantBytes);
            tokens = new int[count];
            stream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(tokens.AsSpan()));
            tenant = new CacheTenant(Encoding.UTF8.GetString(tenantBytes));
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static long HeaderBytes(int tokens, int tenantBytes) => 88L + tenantBytes + (4L * tokens);

    private static string FileName(CacheTenant tenant, int[] tokens)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(tenant.Value + "\n"));
        hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(tokens.AsSpan()));
        return Convert.ToHexStringLower(hash.GetHashAndReset()) + ".kv";
    }

    private void Add(CacheTenant tenant, Entry entry)
    {
        if (!_index.TryGetValue(tenant, out List<Entry>? entries))
        {
            _index[tenant] = entries = [];
        }

        entries.RemoveAll(e => e.Path == entry.Path);
        entries.Add(entry with { TenantBytes = Encoding.UTF8.GetByteCount(tenant.Value) });
    }

    private void Forget(Entry entry)
    {
        lock (_lock)
        {
            foreach (List<Entry> entries in _index.Values)
            {
                entries.Remove(entry);
            }
        }
    }

    private void EnforceBudget()
    {
        var all = _index.SelectMany(p => p.Value.Select(e => (Tenant: p.Key, Entry: e))).OrderBy(e => e.Entry.Written).ToList();
        long total = all.Sum(e => e.Entry.Bytes);
        foreach ((CacheTenant tenant, Entry entry) in all)
        {
            if (total <= _maxBytes)
            {
                break;
            }

            File.Delete(entry.Path);
            _index[tenant].Remove(entry);
            total -= entry.Bytes;
        }
    }

    private sealed record Entry(string Path, int[] Tokens, long Bytes, DateTime Written)
    {
        public int TenantBytes { get; init; }
    }
}
