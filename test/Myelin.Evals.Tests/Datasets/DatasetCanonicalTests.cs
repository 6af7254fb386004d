using Myelin.Core;

namespace Myelin.Evals.Datasets;

public sealed class DatasetCanonicalTests
{
    [Fact]
    public void Identical_content_has_identical_version_id_regardless_of_metadata_order()
    {
        DatasetItem a = new() { Input = "q", Metadata = new Dictionary<string, string> { ["x"] = "1", ["y"] = "2" } };
        DatasetItem b = new() { Input = "q", Metadata = new Dictionary<string, string> { ["y"] = "2", ["x"] = "1" } };
        string first = DatasetCanonical.VersionId(DatasetCanonical.Normalize([a]));
        string second = DatasetCanonical.VersionId(DatasetCanonical.Normalize([b]));
        Assert.Equal(first, second);
        Assert.Matches("^[0-9a-f]{64}$", first);
        Assert.NotEqual(first, DatasetCanonical.VersionId(DatasetCanonical.Normalize([a with { ExpectedOutput = "a" }])));
    }

    [Fact]
    public void Items_without_ids_get_content_ids_and_duplicates_are_refused()
    {
        IReadOnlyList<DatasetItem> items = DatasetCanonical.Normalize([new DatasetItem { Input = "q1" }, new DatasetItem { Input = "q2" }]);
        Assert.Matches("^i-[0-9a-f]{16}$", items[0].Id!);
        Assert.NotEqual(items[0].Id, items[1].Id);
        var e = Assert.Throws<MyelinValidationException>(() => DatasetCanonical.Normalize([new DatasetItem { Input = "q" }, new DatasetItem { Input = "q" }]));
        Assert.Contains("Items 1 and 2 have the same id", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_items_name_position_and_field()
    {
        var e = Assert.Throws<MyelinValidationException>(() => DatasetCanonical.Normalize([new DatasetItem { Input = "ok" }, new DatasetItem { Input = " " }]));
        Assert.Equal("Item 2, field 'input': is required and must not be blank.", e.Message);
        e = Assert.Throws<MyelinValidationException>(() => DatasetCanonical.Normalize([new DatasetItem { Input = "q", Id = "" }]));
        Assert.Contains("field 'id'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_reports_added_removed_changed_and_unchanged_items()
    {
        DatasetItem[] from = [new() { Id = "1", Input = "a" }, new() { Id = "2", Input = "b", ExpectedOutput = "x" }, new() { Id = "3", Input = "c" }];
        DatasetItem[] to = [new() { Id = "1", Input = "a" }, new() { Id = "2", Input = "b", ExpectedOutput = "y", Context = ["k"] }, new() { Id = "4", Input = "d" }];
        DatasetDiff diff = DatasetDiff.Compute("v1", from, "v2", to);
        Assert.Equal(["4"], diff.Added.Select(i => i.Id));
        Assert.Equal(["3"], diff.Removed.Select(i => i.Id));
        DatasetItemChange change = Assert.Single(diff.Changed);
        Assert.Equal(["expectedOutput", "context"], change.Fields);
        Assert.Equal(1, diff.Unchanged);
    }
}
