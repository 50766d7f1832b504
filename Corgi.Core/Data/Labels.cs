using System;

namespace Corgi.Data;

/// <summary>Helpers for classification labels: one-hot encoding and accuracy.</summary>
public static class Labels
{
    /// <summary>One-hot rows [n, classes] from class indices [n] (integer values in [0, classes)).</summary>
    /// <param name="labels">Class indices [n], of either dtype.</param>
    /// <param name="classes">The number of classes.</param>
    /// <param name="dtype">The dtype of the rows; null means the labels' dtype.</param>
    /// <exception cref="TensorShapeException">The labels are not rank 1.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is not an integer in [0, classes).</exception>
    /// <example><c>Labels.OneHot(Tensor.Of(2, 0), 3)</c> is [[0, 0, 1], [1, 0, 0]].</example>
    public static Tensor OneHot(Tensor labels, int classes, DType? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Rank != 1) throw new TensorShapeException($"one_hot: needs class indices of rank 1, got shape {Tensor.FormatShape(labels.ShapeSpan)}");
        if (classes < 1) throw new ArgumentOutOfRangeException(nameof(classes), $"one_hot: the number of classes must be at least 1, got {classes}");
        var src = Doubles(labels);
        var data = new double[src.Length * classes];
        for (int i = 0; i < src.Length; i++) data[i * classes + ClassIndex("one_hot", src[i], classes, i)] = 1;
        return Tensor.FromArray(new[] { src.Length, classes }, data, dtype ?? labels.DType);
    }

    /// <summary>
    /// The fraction of rows of <paramref name="scores"/> [n, classes] whose arg-max (first on ties) equals
    /// the label; labels are class indices [n] or one-hot / probability rows [n, classes] (their arg-max).
    /// </summary>
    /// <remarks>Scores and labels may have either dtype (float32 scores are compared as float32 values).</remarks>
    /// <exception cref="TensorShapeException">The shapes do not match either form.</exception>
    public static double Accuracy(Tensor scores, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(labels);
        if (scores.Rank != 2)
            throw new TensorShapeException($"accuracy: needs scores [n, classes], got {Tensor.FormatShape(scores.ShapeSpan)}");
        int n = scores.ShapeSpan[0], k = scores.ShapeSpan[1];
        bool indices = labels.Rank == 1 && labels.ShapeSpan[0] == n;
        if (!indices && !labels.ShapeSpan.SequenceEqual(scores.ShapeSpan))
            throw new TensorShapeException($"accuracy: labels must be [{n}] or [{n},{k}] for scores {Tensor.FormatShape(scores.ShapeSpan)}, got {Tensor.FormatShape(labels.ShapeSpan)}");
        if (n == 0) return 0;
        var s = Doubles(scores);
        var l = Doubles(labels);
        int correct = 0;
        for (int i = 0; i < n; i++)
        {
            int predicted = ArgMax(s.Slice(i * k, k));
            int expected = indices ? ClassIndex("accuracy", l[i], k, i) : ArgMax(l.Slice(i * k, k));
            if (predicted == expected) correct++;
        }
        return (double)correct / n;
    }

    // float64 values without a copy; float32 values widened (exactly) into a new array
    private static ReadOnlySpan<double> Doubles(Tensor t) => t.DType == DType.Float64 ? t.AsSpan() : t.ToArray();

    private static int ArgMax(ReadOnlySpan<double> row)
    {
        int best = 0;
        for (int j = 1; j < row.Length; j++) if (row[j] > row[best]) best = j;
        return best;
    }

    private static int ClassIndex(string op, double v, int classes, int row)
    {
        if (!(v >= 0 && v < classes && v == Math.Floor(v)))
            throw new ArgumentOutOfRangeException(nameof(v), $"{op}: label {v} at row {row} is not a class index in [0, {classes})");
        return (int)v;
    }
}
