using Microsoft.Data.Sqlite;

namespace Myelin.Memory.Internal;

/// <summary>Keeps the FTS5 index behind the items table up to date in the background: writes commit items only, and
/// this indexes everything above the recorded high-water mark in large batches.</summary>
/// <remarks>
/// <para>Tokenising and merging FTS5 segments cost as much as the rest of an insert; moving them off the write path
/// roughly doubles acknowledged ingest. The index is derived data: the items are durable when a write returns, and
/// the index with its high-water mark (<c>fts_state</c>) commits in one transaction with <c>synchronous=NORMAL</c>,
/// so a crash can only lose index batches, which are redone from the mark when the store opens.</para>
/// <para>Search is never stale: it calls <see cref="CatchUpAsync"/>, which indexes what is pending first.</para>
/// </remarks>
internal sealed class FullTextIndexer
{
    private const int BatchSize = 20_000;
    private readonly MemoryDatabase _db;
    private readonly Lock _gate = new();
    private long _written;
    private long _indexed;
    private bool _running;
    private Task _draining = Task.CompletedTask;

    public FullTextIndexer(MemoryDatabase db, SqliteConnection writer)
    {
        _db = db;
        using SqliteCommand select = writer.CreateCommand();
        select.CommandText = "SELECT (SELECT indexed_through FROM fts_state WHERE id = 1), (SELECT COALESCE(MAX(seq), 0) FROM items)";
        using SqliteDataReader r = select.ExecuteReader();
        r.Read();
        _indexed = r.GetInt64(0);
        _written = r.GetInt64(1);
    }

    /// <summary>Records that items up to <paramref name="sequence"/> are committed, and starts indexing them.</summary>
    public void Written(long sequence)
    {
        lock (_gate)
        {
            _written = Math.Max(_written, sequence);
        }

        StartIfBehind();
    }

    /// <summary>Completes when every item committed before the call is in the index.</summary>
    public Task CatchUpAsync(CancellationToken cancellationToken)
    {
        long target;
        lock (_gate)
        {
            if (_indexed >= _written)
            {
                return Task.CompletedTask;
            }

            target = _written;
        }

        return IndexThroughAsync(target, cancellationToken);
    }

    /// <summary>Starts indexing when the index is behind (after opening a file a crash or an older version left).</summary>
    public void StartIfBehind()
    {
        lock (_gate)
        {
            if (_running || _indexed >= _written)
            {
                return;
            }

            _running = true;
            _draining = Task.Run(DrainAsync);
        }
    }

    /// <summary>Waits for the background indexing that is running, if any (before the database closes).</summary>
    public async Task StopAsync()
    {
        Task draining;
        lock (_gate)
        {
            draining = _draining;
        }

        try
        {
            await draining.ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // The database closed under it; what is not indexed is redone at the next open.
        }
    }

    private async Task DrainAsync()
    {
        try
        {
            while (true)
            {
                long target;
                lock (_gate)
                {
                    if (_indexed >= _written)
                    {
                        _running = false;
                        return;
                    }

                    target = _written;
                }

                await IndexThroughAsync(target, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch
        {
            lock (_gate)
            {
                _running = false;
            }

            throw;
        }
    }

    private async Task IndexThroughAsync(long target, CancellationToken cancellationToken)
    {
        while (Volatile.Read(ref _indexed) < target)
        {
            await _db.WriteAsync(IndexBatch, cancellationToken).ConfigureAwait(false);
        }
    }

    // Runs under the write lock, so it never interleaves with a write or another batch.
    private bool IndexBatch(SqliteConnection c)
    {
        long from = Volatile.Read(ref _indexed);
        long through = from;
        using (SqliteCommand relax = c.CreateCommand())
        {
            relax.CommandText = "PRAGMA synchronous = NORMAL";
            relax.ExecuteNonQuery();
        }

        try
        {
            using SqliteTransaction tx = c.BeginTransaction();
            using SqliteCommand select = c.CreateCommand();
            select.Transaction = tx;
            select.CommandText = "SELECT seq, tenant, user_id, text, speaker, subject FROM items WHERE seq > $from ORDER BY seq LIMIT $n";
            select.Parameters.AddWithValue("$from", from);
            select.Parameters.AddWithValue("$n", BatchSize);
            using SqliteCommand insert = c.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = "INSERT INTO items_fts (rowid, terms) VALUES ($seq, $terms)";
            SqliteParameter seq = insert.Parameters.Add("$seq", SqliteType.Integer);
            SqliteParameter terms = insert.Parameters.Add("$terms", SqliteType.Text);
            int rows = 0;
            var documentFrequency = new Dictionary<string, long>(StringComparer.Ordinal);
            var distinct = new HashSet<string>(StringComparer.Ordinal);
            using (SqliteDataReader r = select.ExecuteReader())
            {
                while (r.Read())
                {
                    rows++;
                    through = r.GetInt64(0);
                    seq.Value = through;
                    string document = FullTextTerms.Document(
                        new Core.TenantId(r.GetString(1)), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
                        r.IsDBNull(5) ? null : r.GetString(5));
                    terms.Value = document;
                    insert.ExecuteNonQuery();
                    CountTerms(document, distinct, documentFrequency);
                }
            }

            using (SqliteCommand count = c.CreateCommand())
            {
                count.Transaction = tx;
                count.CommandText = "INSERT INTO fts_terms (term, df) VALUES ($term, $n) ON CONFLICT (term) DO UPDATE SET df = df + excluded.df";
                SqliteParameter term = count.Parameters.Add("$term", SqliteType.Text);
                SqliteParameter n = count.Parameters.Add("$n", SqliteType.Integer);
                foreach ((string t, long df) in documentFrequency)
                {
                    term.Value = t;
                    n.Value = df;
                    count.ExecuteNonQuery();
                }
            }

            if (rows < BatchSize)
            {
                // Nothing above the last row: the mark moves to what was committed when the batch started.
                through = Math.Max(through, Volatile.Read(ref _written));
            }

            using SqliteCommand mark = c.CreateCommand();
            mark.Transaction = tx;
            mark.CommandText = "UPDATE fts_state SET indexed_through = $through WHERE id = 1";
            mark.Parameters.AddWithValue("$through", through);
            mark.ExecuteNonQuery();
            tx.Commit();
        }
        finally
        {
            using SqliteCommand strict = c.CreateCommand();
            strict.CommandText = "PRAGMA synchronous = FULL";
            strict.ExecuteNonQuery();
        }

        lock (_gate)
        {
            _indexed = Math.Max(_indexed, through);
        }

        return true;
    }

    // Each distinct term of a document counts once; the scope token alone (every document has it) counts the user's items.
    private static void CountTerms(string document, HashSet<string> distinct, Dictionary<string, long> documentFrequency)
    {
        distinct.Clear();
        foreach (string term in document.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            distinct.Add(term);
        }

        if (distinct.Count > 0)
        {
            distinct.Add(distinct.First()[..FullTextTerms.ScopeLength]);
        }

        foreach (string term in distinct)
        {
            documentFrequency[term] = documentFrequency.GetValueOrDefault(term) + 1;
        }
    }
}
