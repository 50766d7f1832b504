using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Sylvan.Data.Csv;

namespace Corgi.Data;

/// <summary>What a CSV file's label column holds.</summary>
public enum CsvLabelKind
{
    /// <summary>Class names (or numbers used as names), mapped to indices 0..classes−1: targets [rows].</summary>
    Classes,

    /// <summary>A number to regress: targets [rows, 1].</summary>
    Number,
}

/// <summary>How <see cref="Csv"/> reads a table.</summary>
public sealed class CsvOptions
{
    /// <summary>The header name of the label column (required).</summary>
    public string LabelColumn { get; init; } = "";

    /// <summary>The header names of the feature columns, in this order; null: every column but the label.</summary>
    public IReadOnlyList<string>? FeatureColumns { get; init; }

    /// <summary>Whether the label is a class name (default) or a number.</summary>
    public CsvLabelKind LabelKind { get; init; } = CsvLabelKind.Classes;

    /// <summary>
    /// The class names in index order; null: the distinct labels of the file in ordinal order (so the mapping does
    /// not depend on the order of the rows). With fixed names, a label outside them is an error.
    /// </summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>The field delimiter (default ',').</summary>
    public char Delimiter { get; init; } = ',';

    /// <summary>The dtype of the inputs and targets (default: <see cref="Tensor.DefaultDType"/>).</summary>
    public DType? DType { get; init; }
}

/// <summary>A CSV table read into tensors: an <see cref="IDataset"/> with the names of its columns and classes.</summary>
public sealed class CsvTable : IDataset
{
    private readonly IDataset _rows;

    internal CsvTable(Tensor inputs, Tensor targets, string[] featureNames, string[]? classNames)
    {
        Inputs = inputs;
        Targets = targets;
        FeatureNames = featureNames;
        ClassNames = classNames;
        _rows = Dataset.FromTensors(inputs, targets);
    }

    /// <summary>The features [rows, features].</summary>
    public Tensor Inputs { get; }

    /// <summary>Class indices [rows] or numbers [rows, 1].</summary>
    public Tensor Targets { get; }

    /// <summary>The feature columns' names, in the order of the inputs' columns.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>The class names by index (null for a numeric label).</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <inheritdoc/>
    public int Count => _rows.Count;

    /// <inheritdoc/>
    public Sample this[int index] => _rows[index];

    /// <inheritdoc/>
    public Batch GetBatch(int[] indices) => _rows.GetBatch(indices);
}

/// <summary>
/// Reads CSV tables (RFC 4180, through Sylvan.Data.Csv) with a header row: feature columns by name, a label column, class
/// names mapped to indices. A bad value is reported with its file, line, column number and column name (the line is the record's number counting the header as line 1: the file's line unless a quoted field above it spans lines).
/// </summary>
/// <example>
/// <code>
/// var table = Csv.Load("iris.csv", new CsvOptions { LabelColumn = "species" });
/// // table.Inputs [150, 4], table.Targets [150] (class indices), table.ClassNames ["setosa", "versicolor", "virginica"]
/// </code>
/// </example>
public static class Csv
{
    private static bool Next(CsvDataReader csv, string source)
    {
        try
        {
            return csv.Read();
        }
        catch (CsvFormatException e)
        {
            throw new FormatException($"csv: '{source}' line {e.RowNumber + 1}: malformed CSV ({e.Message})", e);
        }
    }

    /// <summary>Reads a CSV file.</summary>
    /// <exception cref="FormatException">A value is not a number, a column is missing, a row is short, or a label is unknown; the message names the file, line and column.</exception>
    public static CsvTable Load(string path, CsvOptions options)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var reader = new StreamReader(path);
        return Read(reader, options, path);
    }

    /// <summary>Reads CSV text from a reader; <paramref name="source"/> names it in error messages.</summary>
    /// <exception cref="FormatException">As for <see cref="Load"/>.</exception>
    public static CsvTable Read(TextReader reader, CsvOptions options, string source = "<text>")
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(options.LabelColumn)) throw new ArgumentException("csv: CsvOptions.LabelColumn is required", nameof(options));
        CsvDataReader csv;
        try
        {
            csv = CsvDataReader.Create(reader, new CsvDataReaderOptions { HasHeaders = true, Delimiter = options.Delimiter });
        }
        catch (CsvFormatException e)
        {
            throw new FormatException($"csv: '{source}' line {e.RowNumber + 1}: malformed CSV ({e.Message})", e);
        }
        using var _ = csv;
        var header = new string[csv.FieldCount];
        for (int i = 0; i < header.Length; i++) header[i] = csv.GetName(i);
        if (header.Length == 0) throw new FormatException($"csv: '{source}' is empty; expected a header row");
        int Column(string name)
        {
            int i = Array.IndexOf(header, name);
            return i >= 0 ? i : throw new FormatException($"csv: '{source}' has no column '{name}' (columns: {string.Join(", ", header)})");
        }
        int label = Column(options.LabelColumn);
        var featureNames = options.FeatureColumns?.ToArray() ?? header.Where((_, i) => i != label).ToArray();
        var features = featureNames.Select(Column).ToArray();
        if (features.Contains(label)) throw new ArgumentException($"csv: the label column '{options.LabelColumn}' is also a feature column", nameof(options));

        var values = new List<double>();
        var labels = new List<string>();
        var lines = new List<int>();
        int needed = Math.Max(label, features.Length == 0 ? 0 : features.Max()) + 1;
        while (Next(csv, source))
        {
            int line = csv.RowNumber + 1;   // RowNumber counts data rows from 1; the header is line 1
            if (csv.RowFieldCount == 1 && string.IsNullOrWhiteSpace(csv.GetString(0)) && needed > 1) continue;   // a blank line
            if (csv.RowFieldCount < needed)
                throw new FormatException($"csv: '{source}' line {line}: {csv.RowFieldCount} fields, but column {needed} ('{header[needed - 1]}') is needed");
            foreach (var c in features)
            {
                var text = csv.GetString(c);
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                    throw new FormatException($"csv: '{source}' line {line}, column {c + 1} ('{header[c]}'): {(string.IsNullOrWhiteSpace(text) ? "the value is empty" : $"'{text}' is not a number")}");
                values.Add(v);
            }
            labels.Add(csv.GetString(label));
            lines.Add(line);
        }
        if (labels.Count == 0) throw new FormatException($"csv: '{source}' has a header but no rows");

        int rows = labels.Count;
        var dtype = options.DType ?? Tensor.DefaultDType;
        var inputs = new Tensor(new[] { rows, features.Length }, values.ToArray()).To(dtype);
        var targets = new double[rows];
        string[]? classNames = null;
        if (options.LabelKind == CsvLabelKind.Number)
        {
            for (int i = 0; i < rows; i++)
                if (!double.TryParse(labels[i], NumberStyles.Float, CultureInfo.InvariantCulture, out targets[i]))
                    throw new FormatException($"csv: '{source}' line {lines[i]}, column {label + 1} ('{header[label]}'): '{labels[i]}' is not a number");
            return new CsvTable(inputs, new Tensor(new[] { rows, 1 }, targets).To(dtype), featureNames, null);
        }
        classNames = options.ClassNames?.ToArray() ?? labels.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < classNames.Length; i++)
            if (!index.TryAdd(classNames[i], i)) throw new ArgumentException($"csv: the class name '{classNames[i]}' is given twice", nameof(options));
        for (int i = 0; i < rows; i++)
            targets[i] = index.TryGetValue(labels[i], out var k) ? k
                : throw new FormatException($"csv: '{source}' line {lines[i]}, column {label + 1} ('{header[label]}'): the class '{labels[i]}' is not one of {string.Join(", ", classNames)}");
        return new CsvTable(inputs, new Tensor(new[] { rows }, targets).To(dtype), featureNames, classNames);
    }
}
