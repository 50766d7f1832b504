using System;
using System.Globalization;
using System.Text;

namespace Corgi.Metrics;

/// <summary>
/// Classification metrics over scores [samples, classes] (logits or probabilities: only their order matters)
/// and labels (class indices [samples], or one-hot rows [samples, classes]).
/// </summary>
/// <example>
/// <code>
/// double acc = Classification.Accuracy(scores, labels);
/// var cm = Classification.ConfusionMatrix(scores, labels);
/// double f1 = cm.MacroF1;
/// </code>
/// </example>
public static class Classification
{
    /// <summary>The fraction of samples whose highest score is the label's class.</summary>
    public static double Accuracy(Tensor scores, Tensor labels) => TopKAccuracy(scores, labels, 1);

    /// <summary>
    /// The fraction of samples whose label is among the <paramref name="k"/> highest scores (a tie with the
    /// k-th score counts as a hit only if fewer than k scores are strictly higher).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">k is not in [1, classes].</exception>
    public static double TopKAccuracy(Tensor scores, Tensor labels, int k)
    {
        var (s, y, n, c) = Read(scores, labels, "top-k accuracy");
        if (k < 1 || k > c) throw new ArgumentOutOfRangeException(nameof(k), $"top-k accuracy: k must be in [1, {c}], got {k}");
        if (n == 0) return double.NaN;
        int hits = 0;
        for (int i = 0; i < n; i++)
        {
            double own = s[i * c + y[i]];
            int higher = 0;
            for (int j = 0; j < c; j++) if (s[i * c + j] > own) higher++;
            if (higher < k) hits++;
        }
        return (double)hits / n;
    }

    /// <summary>The confusion matrix of the arg-max predictions against the labels.</summary>
    public static ConfusionMatrix ConfusionMatrix(Tensor scores, Tensor labels)
    {
        var (s, y, n, c) = Read(scores, labels, "confusion matrix");
        var counts = new int[c, c];
        for (int i = 0; i < n; i++)
        {
            int best = 0;
            for (int j = 1; j < c; j++) if (s[i * c + j] > s[i * c + best]) best = j;
            counts[y[i], best]++;
        }
        return new ConfusionMatrix(counts);
    }

    private static (double[] Scores, int[] Labels, int N, int C) Read(Tensor scores, Tensor labels, string op)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(labels);
        if (scores.Rank != 2) throw new TensorShapeException($"{op}: expected scores [samples, classes], got {Tensor.FormatShape(scores.ShapeSpan)}");
        int n = scores.ShapeSpan[0], c = scores.ShapeSpan[1];
        var s = scores.Detach().To(DType.Float64).ToArray<double>();
        var y = new int[n];
        if (labels.Rank == 1 && labels.ShapeSpan[0] == n)
        {
            var l = labels.Detach().To(DType.Float64).ToArray<double>();
            for (int i = 0; i < n; i++)
            {
                if (l[i] != Math.Floor(l[i]) || l[i] < 0 || l[i] >= c)
                    throw new ArgumentException($"{op}: label {l[i].ToString(CultureInfo.InvariantCulture)} of sample {i} is not a class index in [0, {c})", nameof(labels));
                y[i] = (int)l[i];
            }
        }
        else if (labels.Rank == 2 && labels.ShapeSpan[0] == n && labels.ShapeSpan[1] == c)
        {
            var l = labels.Detach().To(DType.Float64).ToArray<double>();
            for (int i = 0; i < n; i++)
            {
                int best = 0;
                for (int j = 1; j < c; j++) if (l[i * c + j] > l[i * c + best]) best = j;
                y[i] = best;
            }
        }
        else throw new TensorShapeException($"{op}: labels {Tensor.FormatShape(labels.ShapeSpan)} match neither [{n}] nor [{n}, {c}] for scores {Tensor.FormatShape(scores.ShapeSpan)}");
        return (s, y, n, c);
    }
}

/// <summary>
/// Counts of (true class, predicted class) pairs, with precision, recall and F1 per class and their macro
/// averages (the unweighted mean over classes; a class with no predictions has precision 0, one with no samples
/// recall 0, and F1 = 0 when precision + recall = 0, as scikit-learn's <c>zero_division=0</c>).
/// </summary>
public sealed class ConfusionMatrix
{
    private readonly int[,] _counts;

    /// <summary>Wraps counts [true class, predicted class] (copied).</summary>
    /// <exception cref="ArgumentException">The matrix is not square.</exception>
    public ConfusionMatrix(int[,] counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (counts.GetLength(0) != counts.GetLength(1))
            throw new ArgumentException($"confusion matrix: counts must be square, got {counts.GetLength(0)}x{counts.GetLength(1)}", nameof(counts));
        _counts = (int[,])counts.Clone();
    }

    /// <summary>The number of classes.</summary>
    public int Classes => _counts.GetLength(0);

    /// <summary>Samples of class <paramref name="actual"/> predicted as <paramref name="predicted"/>.</summary>
    public int this[int actual, int predicted] => _counts[actual, predicted];

    /// <summary>All samples counted.</summary>
    public int Total
    {
        get
        {
            int t = 0;
            foreach (var x in _counts) t += x;
            return t;
        }
    }

    /// <summary>The fraction on the diagonal (NaN without samples).</summary>
    public double Accuracy
    {
        get
        {
            int diag = 0;
            for (int i = 0; i < Classes; i++) diag += _counts[i, i];
            return Total == 0 ? double.NaN : (double)diag / Total;
        }
    }

    /// <summary>Precision of class c: TP / (TP + FP) = m[c,c] / Σᵢ m[i,c] (0 when nothing was predicted as c).</summary>
    public double Precision(int c)
    {
        int predicted = 0;
        for (int i = 0; i < Classes; i++) predicted += _counts[i, c];
        return predicted == 0 ? 0 : (double)_counts[c, c] / predicted;
    }

    /// <summary>Recall of class c: TP / (TP + FN) = m[c,c] / Σⱼ m[c,j] (0 when c has no samples).</summary>
    public double Recall(int c)
    {
        int actual = 0;
        for (int j = 0; j < Classes; j++) actual += _counts[c, j];
        return actual == 0 ? 0 : (double)_counts[c, c] / actual;
    }

    /// <summary>F1 of class c: 2PR / (P + R) (0 when P + R = 0).</summary>
    public double F1(int c)
    {
        double p = Precision(c), r = Recall(c);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /// <summary>The mean of the per-class precisions.</summary>
    public double MacroPrecision => Macro(Precision);

    /// <summary>The mean of the per-class recalls.</summary>
    public double MacroRecall => Macro(Recall);

    /// <summary>The mean of the per-class F1 scores (scikit-learn's <c>f1_score(average="macro")</c>).</summary>
    public double MacroF1 => Macro(F1);

    private double Macro(Func<int, double> perClass)
    {
        double sum = 0;
        for (int c = 0; c < Classes; c++) sum += perClass(c);
        return sum / Classes;
    }

    /// <summary>
    /// A report: the matrix (rows: true class, columns: predicted) and precision, recall and F1 per class,
    /// with optional class names.
    /// </summary>
    public string Report(string[]? classNames = null)
    {
        if (classNames is not null && classNames.Length != Classes)
            throw new ArgumentException($"confusion matrix: {classNames.Length} class names for {Classes} classes", nameof(classNames));
        string Name(int c) => classNames?[c] ?? c.ToString(CultureInfo.InvariantCulture);
        int width = 9;
        for (int c = 0; c < Classes; c++) width = Math.Max(width, Name(c).Length + 1);
        var sb = new StringBuilder();
        sb.Append("true\\pred".PadRight(width));
        for (int c = 0; c < Classes; c++) sb.Append(Name(c).PadLeft(width));
        sb.AppendLine();
        for (int i = 0; i < Classes; i++)
        {
            sb.Append(Name(i).PadRight(width));
            for (int j = 0; j < Classes; j++) sb.Append(_counts[i, j].ToString(CultureInfo.InvariantCulture).PadLeft(width));
            sb.AppendLine();
        }
        sb.AppendLine();
        sb.Append("class".PadRight(width)).Append("precision".PadLeft(11)).Append("recall".PadLeft(11)).AppendLine("f1".PadLeft(11));
        for (int c = 0; c < Classes; c++)
            sb.Append(Name(c).PadRight(width)).Append(Precision(c).ToString("F4", CultureInfo.InvariantCulture).PadLeft(11))
              .Append(Recall(c).ToString("F4", CultureInfo.InvariantCulture).PadLeft(11)).AppendLine(F1(c).ToString("F4", CultureInfo.InvariantCulture).PadLeft(11));
        sb.Append("macro".PadRight(width)).Append(MacroPrecision.ToString("F4", CultureInfo.InvariantCulture).PadLeft(11))
          .Append(MacroRecall.ToString("F4", CultureInfo.InvariantCulture).PadLeft(11)).AppendLine(MacroF1.ToString("F4", CultureInfo.InvariantCulture).PadLeft(11));
        sb.Append("accuracy".PadRight(width)).Append(Accuracy.ToString("F4", CultureInfo.InvariantCulture).PadLeft(11));
        return sb.ToString();
    }

    /// <inheritdoc/>
    public override string ToString() => Report();
}
