using System;
using System.Collections.Generic;
using System.Text;

namespace Corgi;

// einsum, lowered to ops that already have derivatives: repeated subscripts in one operand become
// Diagonal, subscripts no one else needs are summed out, and each pair of operands is permuted and
// reshaped into one (batched) matrix product [B, L, K] · [B, K, R] (so products reach the GEMM), then
// the result is permuted into the output's order (a batch of dot products is an element-wise product and a
// sum instead). Its gradients come from those ops.
public sealed partial class Tensor
{
    /// <summary>
    /// Einstein summation, like <c>torch.einsum</c>: each operand's dimensions are named by letters, letters
    /// shared between operands are multiplied along, and letters missing from the output are summed over.
    /// Supports batched products (<c>"bij,bjk->bik"</c>), contractions (<c>"ij,ij->"</c>), outer products
    /// (<c>"i,j->ij"</c>), traces (<c>"ii->"</c>), diagonals (<c>"ii->i"</c>), transposes (<c>"ij->ji"</c>), sums
    /// (<c>"ij->i"</c>), the implicit output (no <c>"->"</c>: the letters used once, in alphabetical order), an
    /// ellipsis (<c>"...ij,...jk->...ik"</c>) for broadcast leading dimensions, size-1 broadcasting, and any
    /// number of operands (contracted left to right). Spaces are ignored.
    /// </summary>
    /// <param name="equation">The subscripts, e.g. <c>"bij,bjk->bik"</c>; letters a-z and A-Z.</param>
    /// <param name="operands">One tensor per comma-separated term.</param>
    /// <example><code>
    /// var c = Tensor.Einsum("bij,bjk->bik", a, b);   // a.MatMul(b)
    /// var t = Tensor.Einsum("ii->", m);              // m.Trace()
    /// </code></example>
    /// <exception cref="ArgumentException">The equation is malformed, or names a letter in the output that no operand has.</exception>
    /// <exception cref="TensorShapeException">A term's letters do not match its operand's rank, or one letter has two sizes.</exception>
    public static Tensor Einsum(string equation, params Tensor[] operands)
    {
        ArgumentNullException.ThrowIfNull(equation);
        ArgumentNullException.ThrowIfNull(operands);
        string eq = equation.Replace(" ", "");
        string Where() => $"einsum '{equation}'";
        int arrow = eq.IndexOf("->", StringComparison.Ordinal);
        string lhs = arrow < 0 ? eq : eq[..arrow];
        string? rhs = arrow < 0 ? null : eq[(arrow + 2)..];
        if (rhs is not null && rhs.Contains("->", StringComparison.Ordinal))
            throw new ArgumentException($"{Where()}: more than one '->'", nameof(equation));
        var terms = lhs.Split(',');
        if (terms.Length != operands.Length)
            throw new ArgumentException($"{Where()}: {terms.Length} operand subscripts but {operands.Length} tensors", nameof(operands));
        for (int k = 0; k < operands.Length; k++)
            if (operands[k] is null) throw new ArgumentNullException(nameof(operands), $"{Where()}: operand {k} is null");

        // ellipsis dimensions get private labels (above the ASCII letters), right-aligned across operands
        var explicitLabels = new List<char>[terms.Length];
        var ellipsisAt = new int[terms.Length];
        int maxEllipsis = 0;
        for (int k = 0; k < terms.Length; k++)
        {
            (explicitLabels[k], ellipsisAt[k]) = ParseTerm(terms[k], Where, $"operand {k}");
            int extra = operands[k].Rank - explicitLabels[k].Count;
            if (ellipsisAt[k] < 0 ? extra != 0 : extra < 0)
                throw new TensorShapeException(
                    $"{Where()}: subscripts '{terms[k]}' name {explicitLabels[k].Count} dimensions but operand {k} has shape {ShapeUtil.Format(operands[k]._shape)}");
            if (ellipsisAt[k] >= 0) maxEllipsis = Math.Max(maxEllipsis, extra);
        }
        var labels = new List<char>[terms.Length];
        for (int k = 0; k < terms.Length; k++)
        {
            labels[k] = new List<char>(explicitLabels[k]);
            if (ellipsisAt[k] >= 0)
            {
                int extra = operands[k].Rank - explicitLabels[k].Count;
                for (int j = 0; j < extra; j++) labels[k].Insert(ellipsisAt[k] + j, EllipsisLabel(maxEllipsis - extra + j));
            }
        }

        // sizes (a size of 1 broadcasts against a larger one)
        var size = new Dictionary<char, int>();
        for (int k = 0; k < terms.Length; k++)
            for (int d = 0; d < labels[k].Count; d++)
            {
                char c = labels[k][d];
                int n = operands[k]._shape[d];
                if (!size.TryGetValue(c, out int m) || m == 1) size[c] = n;
                else if (n != m && n != 1)
                    throw new TensorShapeException(
                        $"{Where()}: {LabelName(c)} has size {m} in one operand and {n} in operand {k} (shape {ShapeUtil.Format(operands[k]._shape)})");
            }

        // the output's labels
        var output = new List<char>();
        if (rhs is not null)
        {
            var (outLabels, outEllipsis) = ParseTerm(rhs, Where, "the output");
            output.AddRange(outLabels);
            if (outEllipsis >= 0)
                for (int j = 0; j < maxEllipsis; j++) output.Insert(outEllipsis + j, EllipsisLabel(j));
            var seen = new HashSet<char>();
            foreach (var c in output)
            {
                if (!seen.Add(c)) throw new ArgumentException($"{Where()}: {LabelName(c)} appears twice in the output", nameof(equation));
                if (!size.ContainsKey(c)) throw new ArgumentException($"{Where()}: output {LabelName(c)} is not in any operand", nameof(equation));
            }
        }
        else
        {
            for (int j = 0; j < maxEllipsis; j++) output.Add(EllipsisLabel(j));
            var counts = new SortedDictionary<char, int>();
            foreach (var l in explicitLabels)
                foreach (var c in l) counts[c] = counts.TryGetValue(c, out int n) ? n + 1 : 1;
            foreach (var (c, n) in counts) if (n == 1) output.Add(c);
        }

        // each operand on its own: diagonals of repeated labels, broadcast dimensions dropped, lone labels summed
        var xs = new Tensor[terms.Length];
        for (int k = 0; k < terms.Length; k++)
        {
            var x = operands[k];
            var l = labels[k];
            for (int p = 0; p < l.Count; p++)
            {
                int q = l.IndexOf(l[p], p + 1);
                if (q < 0) continue;
                if (x._shape[p] != x._shape[q])
                    throw new TensorShapeException(
                        $"{Where()}: {LabelName(l[p])} repeats in operand {k} over dimensions of sizes {x._shape[p]} and {x._shape[q]} (shape {ShapeUtil.Format(operands[k]._shape)})");
                x = x.Diagonal(0, p, q);
                char c = l[p];
                l.RemoveAt(q);
                l.RemoveAt(p);
                l.Add(c);
                p = -1; // rescan: the diagonal moved to the end
            }
            // a size-1 dimension against a larger one is constant along that label: drop it
            for (int d = l.Count - 1; d >= 0; d--)
                if (x._shape[d] == 1 && size[l[d]] > 1) { x = x.Squeeze(d); l.RemoveAt(d); }
            x = SumLabelsNotIn(x, l, c => output.Contains(c) || UsedElsewhere(labels, k, c));
            xs[k] = x;
        }

        // contract left to right, keeping the labels the output or a later operand needs
        var result = xs[0];
        var resultLabels = labels[0];
        for (int k = 1; k < xs.Length; k++)
        {
            int next = k;
            bool Keep(char c) => output.Contains(c) || UsedAfter(labels, next, c);
            (result, resultLabels) = ContractPair(result, resultLabels, xs[k], labels[k], Keep);
        }
        result = SumLabelsNotIn(result, resultLabels, output.Contains);
        // the output's order (a label of size 1 everywhere was never dropped, so every output label is here)
        var perm = new int[output.Count];
        for (int i = 0; i < output.Count; i++) perm[i] = resultLabels.IndexOf(output[i]);
        return result.Permute(perm);
    }

    private static bool UsedElsewhere(List<char>[] labels, int k, char c)
    {
        for (int j = 0; j < labels.Length; j++) if (j != k && labels[j].Contains(c)) return true;
        return false;
    }

    private static bool UsedAfter(List<char>[] labels, int k, char c)
    {
        for (int j = k + 1; j < labels.Length; j++) if (labels[j].Contains(c)) return true;
        return false;
    }

    /// <summary>Sums the dimensions whose label <paramref name="keep"/> rejects, and removes those labels.</summary>
    private static Tensor SumLabelsNotIn(Tensor x, List<char> labels, Func<char, bool> keep)
    {
        var dims = new List<int>();
        for (int d = 0; d < labels.Count; d++) if (!keep(labels[d])) dims.Add(d);
        if (dims.Count == 0) return x;
        for (int i = dims.Count - 1; i >= 0; i--) labels.RemoveAt(dims[i]);
        return x.Sum(dims.ToArray());
    }

    /// <summary>
    /// One pairwise contraction as a (batched) matrix product: a permuted to [batch, left, contracted], b to
    /// [batch, contracted, right], reshaped to [B, L, K] and [B, K, R]; the result's labels are batch + left + right.
    /// </summary>
    private static (Tensor, List<char>) ContractPair(Tensor a, List<char> la, Tensor b, List<char> lb, Func<char, bool> keep)
    {
        la = new List<char>(la);
        lb = new List<char>(lb);
        a = SumLabelsNotIn(a, la, c => keep(c) || lb.Contains(c));
        b = SumLabelsNotIn(b, lb, c => keep(c) || la.Contains(c));
        List<char> batch = new(), left = new(), contracted = new(), right = new();
        foreach (var c in la)
        {
            if (!lb.Contains(c)) left.Add(c);
            else if (keep(c)) batch.Add(c);
            else contracted.Add(c);
        }
        foreach (var c in lb) if (!la.Contains(c)) right.Add(c);
        int Size(Tensor t, List<char> l, List<char> group)
        {
            int n = 1;
            foreach (var c in group) n *= t._shape[l.IndexOf(c)];
            return n;
        }
        int[] Order(List<char> l, params List<char>[] groups)
        {
            var p = new List<int>();
            foreach (var g in groups) foreach (var c in g) p.Add(l.IndexOf(c));
            return p.ToArray();
        }
        int bn = Size(a, la, batch), ln = Size(a, la, left), kn = Size(a, la, contracted), rn = Size(b, lb, right);
        var ap = a.Permute(Order(la, batch, left, contracted));
        var bp = b.Permute(Order(lb, batch, contracted, right));
        // a batch of dot products (L = R = 1, "bi,bi->b") is one element-wise product and sum, not B tiny GEMMs
        var product = ln == 1 && rn == 1 && batch.Count > 0
            ? (ap.Reshape(bn, kn) * bp.Reshape(bn, kn)).Sum(1)
            : batch.Count == 0
                ? ap.Reshape(ln, kn).MatMul(bp.Reshape(kn, rn))
                : ap.Reshape(bn, ln, kn).MatMul(bp.Reshape(bn, kn, rn));
        var shape = new List<int>();
        foreach (var c in batch) shape.Add(a._shape[la.IndexOf(c)]);
        foreach (var c in left) shape.Add(a._shape[la.IndexOf(c)]);
        foreach (var c in right) shape.Add(b._shape[lb.IndexOf(c)]);
        var labels = new List<char>(batch);
        labels.AddRange(left);
        labels.AddRange(right);
        return (product.Reshape(shape.ToArray()), labels);
    }

    /// <summary>The letters of one term and the position of its ellipsis among them (-1 if none).</summary>
    private static (List<char> Labels, int Ellipsis) ParseTerm(string term, Func<string> where, string what)
    {
        var labels = new List<char>();
        int ellipsis = -1;
        for (int i = 0; i < term.Length; i++)
        {
            char c = term[i];
            if (c == '.')
            {
                if (ellipsis >= 0 || i + 2 >= term.Length || term[i + 1] != '.' || term[i + 2] != '.')
                    throw new ArgumentException($"{where()}: {what} '{term}' has a '.' that is not one ellipsis '...'", "equation");
                ellipsis = labels.Count;
                i += 2;
            }
            else if (char.IsAsciiLetter(c)) labels.Add(c);
            else throw new ArgumentException($"{where()}: {what} '{term}' has '{c}'; subscripts are letters a-z, A-Z and '...'", "equation");
        }
        return (labels, ellipsis);
    }

    private static char EllipsisLabel(int j) => (char)(0x100 + j);

    private static string LabelName(char c) => c < 0x100 ? $"subscript '{c}'" : $"ellipsis dimension {c - 0x100}";
}
