using System;
using Corgi.Kernels;
using Corgi.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Double;

namespace Corgi;

// Matrix products through the MathNet linear-algebra provider (see LinearAlgebra/Gemm.cs).
public sealed partial class Tensor
{
    /// <summary>
    /// The matrix product op(this) · op(other) (+ bias), with NumPy matmul semantics: 1-D operands are
    /// vectors, 2-D are matrices, and higher ranks are batches of matrices whose batch dimensions broadcast.
    /// </summary>
    /// <param name="other">The right operand.</param>
    /// <param name="transposeThis">Use the transpose of this tensor's last two dimensions (no copy is made).</param>
    /// <param name="transposeOther">Use the transpose of the other tensor's last two dimensions (no copy is made).</param>
    /// <param name="bias">Added to the product with broadcasting (fused into the GEMM for 2-D products).</param>
    /// <exception cref="TensorShapeException">The inner dimensions differ, a batch does not broadcast, an operand is a scalar, or the bias does not broadcast to the product.</exception>
    /// <example><c>x.MatMul(w, transposeOther: true, bias: b)</c> computes x·wᵀ + b, a dense layer.</example>
    public Tensor MatMul(Tensor other, bool transposeThis = false, bool transposeOther = false, Tensor? bias = null)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (Rank == 0 || other.Rank == 0)
            throw new TensorShapeException($"matmul: cannot multiply {ShapeUtil.Format(_shape)} by {ShapeUtil.Format(other._shape)}: both operands need at least one dimension");
        if (Rank == 1 || other.Rank == 1)
        {
            // checked here so that the message names the operands as given, not their unsqueezed forms
            int kv = Rank == 1 ? Count : Size(transposeThis ? -2 : -1);
            int kv2 = other.Rank == 1 ? other.Count : other.Size(transposeOther ? -1 : -2);
            if (kv != kv2)
                throw new TensorShapeException(
                    $"matmul: cannot multiply {ShapeUtil.Format(_shape)}{(Rank != 1 && transposeThis ? "ᵀ" : "")} by {ShapeUtil.Format(other._shape)}{(other.Rank != 1 && transposeOther ? "ᵀ" : "")}: inner dimensions {kv} and {kv2} differ");
            // vectors: a row vector on the left, a column vector on the right, removed again afterwards
            var a = Rank == 1 ? Unsqueeze(0) : this;
            var b = other.Rank == 1 ? other.Unsqueeze(1) : other;
            var p = a.MatMul(b, Rank != 1 && transposeThis, other.Rank != 1 && transposeOther);
            if (Rank == 1 && other.Rank == 1) p = p.Reshape();
            else p = p.Squeeze(Rank == 1 ? -2 : -1);
            return bias is null ? p : p.Add(bias);
        }
        int m = Size(transposeThis ? -1 : -2), k = Size(transposeThis ? -2 : -1);
        int k2 = other.Size(transposeOther ? -1 : -2), n = other.Size(transposeOther ? -2 : -1);
        if (k != k2)
            throw new TensorShapeException(
                $"matmul: cannot multiply {ShapeUtil.Format(_shape)}{(transposeThis ? "ᵀ" : "")} by {ShapeUtil.Format(other._shape)}{(transposeOther ? "ᵀ" : "")}: inner dimensions {k} and {k2} differ");

        if (Rank > 2 && other.Rank == 2 && !transposeThis)
        {
            // a batch times one matrix is one tall product: [..., m, k] -> [(...)m, k]
            var outShape = (int[])_shape.Clone();
            outShape[^1] = n;
            bool fuseBias = bias is not null && bias.Rank <= 1;
            var flat = Reshape(-1, k).MatMul(other, false, transposeOther, fuseBias ? bias : null).Reshape(outShape);
            return bias is null || fuseBias ? flat : flat.Add(bias);
        }
        return MatMulCore(other, transposeThis, transposeOther, m, k, n, bias);
    }

    /// <summary>Whether two batch shapes broadcast (NumPy rules), checked so the error can name the full operand shapes.</summary>
    private static bool BatchesBroadcast(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        for (int i = 1; i <= Math.Min(a.Length, b.Length); i++)
        {
            int da = a[^i], db = b[^i];
            if (da != db && da != 1 && db != 1) return false;
        }
        return true;
    }

    /// <summary>
    /// The seed's <c>matmul((a, transpose_a), (b, transpose_b), bias)</c>.
    /// </summary>
    public static Tensor MatMul((Tensor Tensor, bool Transpose) a, (Tensor Tensor, bool Transpose) b, Tensor? bias = null)
    {
        ArgumentNullException.ThrowIfNull(a.Tensor);
        return a.Tensor.MatMul(b.Tensor, a.Transpose, b.Transpose, bias);
    }

    private Tensor MatMulCore(Tensor other, bool tA, bool tB, int m, int k, int n, Tensor? bias)
    {
        var batchA = _shape.AsSpan(0, Rank - 2);
        var batchB = other._shape.AsSpan(0, other.Rank - 2);
        if (!BatchesBroadcast(batchA, batchB))
            throw new TensorShapeException(
                $"matmul: cannot multiply {ShapeUtil.Format(_shape)} by {ShapeUtil.Format(other._shape)}: batch dimensions {ShapeUtil.Format(batchA)} and {ShapeUtil.Format(batchB)} do not broadcast");
        var batch = ShapeUtil.Broadcast("matmul", batchA, batchB);
        var outShape = new int[batch.Length + 2];
        batch.CopyTo(outShape, 0);
        outShape[^2] = m;
        outShape[^1] = n;
        if (bias is not null && !ShapeUtil.BroadcastsTo(bias._shape, outShape))
            throw new TensorShapeException($"matmul: the bias of shape {ShapeUtil.Format(bias._shape)} does not broadcast to the product's shape {ShapeUtil.Format(outShape)}");
        var dt = bias is null ? ResultDType(this, other) : ResultDType(new[] { this, other, bias });
        Array data = dt == DType.Float32
            ? Product<float>(other, bias, tA, tB, m, k, n, batch, batchA, batchB, outShape)
            : Product<double>(other, bias, tA, tB, m, k, n, batch, batchA, batchB, outShape);
        var inputs = bias is null ? new[] { this, other } : new[] { this, other, bias };
        return Result("matmul", data, outShape, inputs, (g, _, x, i) => i switch
        {
            // C = op(A) op(B): dop(A) = g op(B)^T, dop(B) = op(A)^T g, transposed back where the flag is set
            0 => tA ? x[1].MatMul(g, tB, true) : g.MatMul(x[1], false, !tB),
            1 => tB ? g.MatMul(x[0], true, tA) : x[0].MatMul(g, !tA, false),
            _ => g,
        });
    }

    /// <summary>The raw (batched) product in element type <typeparamref name="T"/>, the bias copied in first (beta = 1).</summary>
    private T[] Product<T>(Tensor other, Tensor? bias, bool tA, bool tB, int m, int k, int n,
        int[] batch, ReadOnlySpan<int> batchA, ReadOnlySpan<int> batchB, int[] outShape)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var data = Buffers.Uninitialized<T>(ShapeUtil.CountChecked("matmul", outShape));
        var a = ValuesAs<T>();
        var b = other.ValuesAs<T>();
        T beta = T.Zero;
        if (bias is not null)
        {
            ElementwiseKernels.StridedCopy<T>(bias.ValuesAs<T>(), 0, ShapeUtil.BroadcastStrides(bias._shape, outShape), outShape, data);
            beta = T.One;
        }
        int batches = ShapeUtil.Count(batch);
        if (batches == 1 && Rank == 2 && other.Rank == 2)
        {
            Gemm.RowMajor(tA, tB, m, n, k, T.One, a, b, beta, data);
        }
        else
        {
            var sa = ShapeUtil.BroadcastStrides(batchA, batch);
            var sb = ShapeUtil.BroadcastStrides(batchB, batch);
            Span<int> counter = stackalloc int[batch.Length];
            for (int bi = 0; bi < batches; bi++)
            {
                int ia = 0, ib = 0, rem = bi;
                for (int d = batch.Length - 1; d >= 0; d--)
                {
                    int c = rem % batch[d];
                    rem /= batch[d];
                    ia += c * sa[d];
                    ib += c * sb[d];
                }
                Gemm.RowMajor(tA, tB, m, n, k, T.One,
                    (ReadOnlySpan<T>)a.AsSpan(ia * m * k, m * k), b.AsSpan(ib * k * n, k * n), beta,
                    data.AsSpan(bi * m * n, m * n));
            }
        }
        return data;
    }

    /// <summary>The dot product of two vectors of equal length, as a scalar tensor.</summary>
    /// <exception cref="TensorShapeException">An operand is not a vector, or the lengths differ.</exception>
    public Tensor Dot(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (Rank != 1 || other.Rank != 1 || Count != other.Count)
            throw new TensorShapeException($"dot: needs two vectors of equal length, got {ShapeUtil.Format(_shape)} and {ShapeUtil.Format(other._shape)}");
        return MatMul(other);
    }

    /// <summary>The outer product of two vectors: result[i, j] = this[i] * other[j].</summary>
    /// <exception cref="TensorShapeException">An operand is not a vector.</exception>
    public Tensor Outer(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (Rank != 1 || other.Rank != 1)
            throw new TensorShapeException($"outer: needs two vectors, got {ShapeUtil.Format(_shape)} and {ShapeUtil.Format(other._shape)}");
        return Unsqueeze(1).Mul(other.Unsqueeze(0));
    }

    /// <summary>A MathNet dense matrix holding a copy of this rank-2 tensor's values (as doubles, whatever the dtype).</summary>
    /// <exception cref="InvalidOperationException">The tensor is not rank 2.</exception>
    public Matrix<double> ToMatrix()
    {
        if (Rank != 2) throw new InvalidOperationException($"to_matrix: needs a rank-2 tensor, got shape {ShapeUtil.Format(_shape)}");
        // the row-major buffer is the column-major transpose; transposing it gives a fresh matrix
        return new DenseMatrix(_shape[1], _shape[0], ToArray()).Transpose();
    }

    /// <summary>A rank-2 tensor holding a copy of a MathNet matrix's values.</summary>
    public static Tensor FromMatrix(Matrix<double> matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        return new Tensor(matrix.ToRowMajorArray(), new[] { matrix.RowCount, matrix.ColumnCount });
    }
}
