using Myelin.Core;

namespace Myelin.Evals.Datasets;

public sealed class DatasetFormatTests
{
    private static readonly DatasetItem[] s_items =
    [
        new() { Id = "a", Input = "What is 2+2?", ExpectedOutput = "4", Context = ["Arithmetic, \"basic\""], Metadata = new Dictionary<string, string> { ["level"] = "easy" } },
        new() { Id = "b", Input = "Line one\nline two, with comma", ExpectedOutput = null, Context = ["p1", "p2"], Metadata = new Dictionary<string, string> { ["src"] = " padded " } },
        new() { Id = "c", Input = "No extras" },
    ];

    [Fact]
    public void Jsonl_round_trips_exactly()
    {
        string text = DatasetJsonl.Write(s_items);
        IReadOnlyList<DatasetItem> back = DatasetJsonl.Read(text);
        Assert.Equal(s_items.Select(DatasetCanonical.ToJson), back.Select(DatasetCanonical.ToJson));
    }

    [Fact]
    public void Csv_round_trips_with_rfc4180_quoting()
    {
        string text = DatasetCsv.Write(s_items);
        Assert.StartsWith("id,input,expected_output,context,level,src\r\n", text, StringComparison.Ordinal);
        Assert.Contains("\"Arithmetic, \"\"basic\"\"\"", text, StringComparison.Ordinal);
        Assert.Contains("\"Line one\nline two, with comma\"", text, StringComparison.Ordinal);
        IReadOnlyList<DatasetItem> back = DatasetCsv.Read(text);
        Assert.Equal(s_items.Select(DatasetCanonical.ToJson), back.Select(DatasetCanonical.ToJson));
    }

    [Fact]
    public void Csv_accepts_lf_line_ends_bom_blank_lines_and_extra_columns_as_metadata()
    {
        IReadOnlyList<DatasetItem> items = DatasetCsv.Read("\uFEFFinput,expectedOutput,topic\nq1,a1,math\n\n\"q,2\",,\n");
        Assert.Equal(2, items.Count);
        Assert.Equal("math", items[0].Metadata["topic"]);
        Assert.Equal("q,2", items[1].Input);
        Assert.Null(items[1].ExpectedOutput);
        Assert.Empty(items[1].Metadata);
    }

    [Theory]
    [InlineData("input,x\nq1,1\nq2\n", "CSV line 3: the record has 1 fields, the header has 2.")]
    [InlineData("input,x\nq1,\"open\nstill open\n", "CSV line 2, field 2: the quoted field is never closed.")]
    [InlineData("input\n\"q\"x\n", "CSV line 2, field 1: unexpected 'x' after a closing quote")]
    [InlineData("input\nsay \"hi\"\n", "CSV line 2, field 1: a quote inside an unquoted field")]
    [InlineData("question\nq\n", "CSV line 1: the header has no 'input' column.")]
    [InlineData("input,a,a\nq,1,2\n", "CSV line 1, field 3: column 'a' appears twice")]
    [InlineData("input,id\nq,1\n   ,2\n", "CSV line 3, field 1: 'input' is required")]
    [InlineData("input,context\nq,[1\n", "CSV line 2, field 2: 'context' starts with '['")]
    [InlineData("", "header row is missing")]
    public void Bad_csv_names_line_and_field(string text, string expected)
    {
        var e = Assert.Throws<MyelinValidationException>(() => DatasetCsv.Read(text));
        Assert.Equal("invalid_dataset_file", e.Code);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"input\":\"q\"}\n{\"input\":", "JSONL line 2: is not valid JSON")]
    [InlineData("{\"input\":\"q\"}\n\n{\"input\":3}", "JSONL line 3, field 'input': must be a string, got number")]
    [InlineData("{\"expectedOutput\":\"a\"}", "JSONL line 1, field 'input': is required")]
    [InlineData("{\"input\":\"q\",\"context\":[\"a\",1]}", "JSONL line 1, field 'context[1]': must be a string")]
    [InlineData("{\"input\":\"q\",\"metadata\":{\"k\":[1]}}", "JSONL line 1, field 'metadata.k'")]
    [InlineData("{\"input\":\"q\",\"answer\":\"a\"}", "JSONL line 1, field 'answer': is not a dataset field")]
    [InlineData("[1]", "JSONL line 1: must be a JSON object")]
    public void Bad_jsonl_names_line_and_field(string text, string expected)
    {
        var e = Assert.Throws<MyelinValidationException>(() => DatasetJsonl.Read(text));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Jsonl_accepts_context_string_and_scalar_metadata()
    {
        DatasetItem item = Assert.Single(DatasetJsonl.Read("{\"input\":\"q\",\"context\":\"c\",\"metadata\":{\"n\":1.5,\"b\":true}}"));
        Assert.Equal(["c"], item.Context);
        Assert.Equal("1.5", item.Metadata["n"]);
        Assert.Equal("true", item.Metadata["b"]);
    }
}
