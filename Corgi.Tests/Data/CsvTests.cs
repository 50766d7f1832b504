using System;
using System.IO;
using Corgi.Data;
using Xunit;

namespace Corgi.Tests.Data;

public class CsvTests
{
    private const string Text = "x,species,y,note\n1.5,cat,2,a\n-3,dog,4e1,b\n0.25,cat,1,\"quoted, text\"\n";

    private static CsvTable Read(string text, CsvOptions options) => Csv.Read(new StringReader(text), options, "pets.csv");

    [Fact]
    public void FeaturesLabelsAndClassNames()
    {
        var t = Read(Text, new CsvOptions { LabelColumn = "species", FeatureColumns = new[] { "y", "x" } });
        Assert.Equal(new[] { 3, 2 }, t.Inputs.Shape);
        Assert.Equal(new[] { 2, 1.5, 40, -3, 1, 0.25 }, t.Inputs.ToArray<double>());
        // classes in ordinal order: cat = 0, dog = 1
        Assert.Equal(new[] { "cat", "dog" }, t.ClassNames);
        Assert.Equal(new[] { 0.0, 1, 0 }, t.Targets.ToArray<double>());
        Assert.Equal(new[] { "y", "x" }, t.FeatureNames);
        Assert.Equal(3, t.Count);
        Assert.Equal(1.0, t[1].Target.Item());
    }

    [Fact]
    public void FixedClassNamesNumericLabelsAndDType()
    {
        var t = Read(Text, new CsvOptions { LabelColumn = "species", FeatureColumns = new[] { "x" }, ClassNames = new[] { "dog", "cat" }, DType = DType.Float32 });
        Assert.Equal(new[] { 1.0, 0, 1 }, t.Targets.To(DType.Float64).ToArray<double>());
        Assert.Equal(DType.Float32, t.Inputs.DType);
        var r = Read(Text, new CsvOptions { LabelColumn = "y", FeatureColumns = new[] { "x" }, LabelKind = CsvLabelKind.Number });
        Assert.Equal(new[] { 3, 1 }, r.Targets.Shape);
        Assert.Equal(new[] { 2.0, 40, 1 }, r.Targets.ToArray<double>());
        Assert.Null(r.ClassNames);
    }

    [Fact]
    public void ABadValueNamesTheFileLineAndColumn()
    {
        var e = Assert.Throws<FormatException>(() => Read("x,species\n1,cat\n2,dog\nabc,cat\n", new CsvOptions { LabelColumn = "species" }));
        Assert.Equal("csv: 'pets.csv' line 4, column 1 ('x'): 'abc' is not a number", e.Message);
        e = Assert.Throws<FormatException>(() => Read("a,x,species\n1,,cat\n", new CsvOptions { LabelColumn = "species" }));
        Assert.Equal("csv: 'pets.csv' line 2, column 2 ('x'): the value is empty", e.Message);
        e = Assert.Throws<FormatException>(() => Read(Text, new CsvOptions { LabelColumn = "species", FeatureColumns = new[] { "x" }, ClassNames = new[] { "cat" } }));
        Assert.Equal("csv: 'pets.csv' line 3, column 2 ('species'): the class 'dog' is not one of cat", e.Message);
        e = Assert.Throws<FormatException>(() => Read(Text, new CsvOptions { LabelColumn = "kind" }));
        Assert.Contains("no column 'kind' (columns: x, species, y, note)", e.Message);
        e = Assert.Throws<FormatException>(() => Read("x,y,species\n1,2,cat\n3\n", new CsvOptions { LabelColumn = "species" }));
        Assert.Contains("line 3: 1 fields", e.Message);
    }

    [Fact]
    public void LoadsAFile()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "a,b,label\n1,2,x\n3,4,y\n");
            var t = Csv.Load(path, new CsvOptions { LabelColumn = "label" });
            Assert.Equal(new[] { 1.0, 2, 3, 4 }, t.Inputs.ToArray<double>());
            File.WriteAllText(path, "a,b,label\n1,2,x\n3,?,y\n");
            Assert.Contains($"'{path}' line 3, column 2 ('b')", Assert.Throws<FormatException>(() => Csv.Load(path, new CsvOptions { LabelColumn = "label" })).Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

public class CsvMalformedTests
{
    [Fact]
    public void MalformedQuotingNamesTheLine()
    {
        // an unterminated quote on line 3
        var e = Assert.Throws<FormatException>(() => Csv.Read(new StringReader("x,species\n1,cat\n\"2,dog\n"), new CsvOptions { LabelColumn = "species" }, "q.csv"));
        Assert.StartsWith("csv: 'q.csv' line 3", e.Message);
    }
}
