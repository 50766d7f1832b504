using System;
using MathNet.Numerics.LinearAlgebra;
using Xunit;
using static Corgi.Tests.TestUtil;

namespace Corgi.Tests.Ops;

public abstract class LinearAlgebraTests : DTypeTestBase
{
    /// <summary>The cases in float64.</summary>
    public sealed class Float64() : LinearAlgebraTests(DType.Float64);

    /// <summary>The cases in float32.</summary>
    public sealed class Float32() : LinearAlgebraTests(DType.Float32);

    private protected LinearAlgebraTests(DType dtype) : base(dtype) { }

    // A = [[1,2,3],[4,5,6]], B = [[7,8],[9,10],[11,12]]
    // A B = [[1*7+2*9+3*11, 1*8+2*10+3*12], [4*7+5*9+6*11, 4*8+5*10+6*12]] = [[58,64],[139,154]]
    private static readonly double[] AValues = { 1, 2, 3, 4, 5, 6 };
    private static readonly double[] ATValues = { 1, 4, 2, 5, 3, 6 };
    private static readonly double[] BValues = { 7, 8, 9, 10, 11, 12 };
    private static readonly double[] BTValues = { 7, 9, 11, 8, 10, 12 };
    private static readonly double[] Product = { 58, 64, 139, 154 };
    // seed G = [[1,2],[3,4]]
    // dA = G B^T = [[1*7+2*8, 1*9+2*10, 1*11+2*12], [3*7+4*8, 3*9+4*10, 3*11+4*12]] = [[23,29,35],[53,67,81]]
    private static readonly double[] GradA = { 23, 29, 35, 53, 67, 81 };
    private static readonly double[] GradAT = { 23, 53, 29, 67, 35, 81 };
    // dB = A^T G = [[1*1+4*3, 1*2+4*4], [2*1+5*3, 2*2+5*4], [3*1+6*3, 3*2+6*4]] = [[13,18],[17,24],[21,30]]
    private static readonly double[] GradB = { 13, 18, 17, 24, 21, 30 };
    private static readonly double[] GradBT = { 13, 17, 21, 18, 24, 30 };

    private Tensor Seed22() => T(new[] { 2, 2 }, 1, 2, 3, 4);

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void MatMul_AllTransposeFlagCombinations(bool ta, bool tb)
    {
        // the stored operand is A^T (or B^T) when its flag is set, so op(stored) is always A (or B)
        var a = (ta ? T(new[] { 3, 2 }, ATValues) : T(new[] { 2, 3 }, AValues)).Tracked();
        var b = (tb ? T(new[] { 2, 3 }, BTValues) : T(new[] { 3, 2 }, BValues)).Tracked();
        var c = a.MatMul(b, ta, tb);
        AssertClose(new[] { 2, 2 }, Product, c);
        c.Backward(Seed22());
        // the gradient of a stored transpose is the transpose of dA (or dB)
        AssertClose(ta ? new[] { 3, 2 } : new[] { 2, 3 }, ta ? GradAT : GradA, a.Gradient);
        AssertClose(tb ? new[] { 2, 3 } : new[] { 3, 2 }, tb ? GradBT : GradB, b.Gradient);
        // the seed's tuple form computes the same
        AssertClose(Product, Tensor.MatMul((a, ta), (b, tb)));
    }

    [Fact]
    public void MatMul_WithBiasVector_BiasGradientIsColumnSumOfSeed()
    {
        var a = T(new[] { 2, 3 }, AValues).Tracked();
        var b = T(new[] { 3, 2 }, BValues).Tracked();
        var bias = Of(10, 20).Tracked();
        var c = a.MatMul(b, bias: bias);
        AssertClose(new[] { 2, 2 }, new double[] { 68, 84, 149, 174 }, c);
        c.Backward(Seed22());
        AssertClose(GradA, a.Gradient);
        AssertClose(GradB, b.Gradient);
        // bias broadcast over rows: [1+3, 2+4]
        AssertClose(new[] { 2 }, new double[] { 4, 6 }, bias.Gradient);
    }

    [Fact]
    public void MatMul_WithColumnBiasAndSeedForm()
    {
        var at = T(new[] { 3, 2 }, ATValues);
        var b = T(new[] { 3, 2 }, BValues);
        var bias = T(new[] { 2, 1 }, 1, 2).Tracked();
        var c = Tensor.MatMul((at, true), (b, false), bias);
        AssertClose(new[] { 2, 2 }, new double[] { 59, 65, 141, 156 }, c);
        c.Backward(Seed22());
        // bias broadcast over columns: [1+2, 3+4]
        AssertClose(new[] { 2, 1 }, new double[] { 3, 7 }, bias.Gradient);
    }

    [Fact]
    public void MatMul_VectorTimesMatrix()
    {
        var v = Of(1, 2, 3).Tracked();
        var b = T(new[] { 3, 2 }, BValues).Tracked();
        var c = v.MatMul(b);
        // row 0 of the 2-D product above
        AssertClose(new[] { 2 }, new double[] { 58, 64 }, c);
        c.Backward(Of(1, 2));
        // dv = B g = [7+16, 9+20, 11+24]; dB = outer(v, g)
        AssertClose(new[] { 3 }, new double[] { 23, 29, 35 }, v.Gradient);
        AssertClose(new[] { 3, 2 }, new double[] { 1, 2, 2, 4, 3, 6 }, b.Gradient);
        // transposing the matrix operand: v B^T^T
        AssertClose(new double[] { 58, 64 }, v.MatMul(T(new[] { 2, 3 }, BTValues), transposeOther: true));
    }

    [Fact]
    public void MatMul_MatrixTimesVector()
    {
        var a = T(new[] { 2, 3 }, AValues).Tracked();
        var w = Of(1, 1, 1).Tracked();
        var c = a.MatMul(w);
        // row sums of A
        AssertClose(new[] { 2 }, new double[] { 6, 15 }, c);
        c.Backward(Of(1, 2));
        // dA = outer(g, w); dw = A^T g = [1+8, 2+10, 3+12]
        AssertClose(new[] { 2, 3 }, new double[] { 1, 1, 1, 2, 2, 2 }, a.Gradient);
        AssertClose(new[] { 3 }, new double[] { 9, 12, 15 }, w.Gradient);
        AssertClose(new double[] { 6, 15 }, T(new[] { 3, 2 }, ATValues).MatMul(w, transposeThis: true));
    }

    [Fact]
    public void MatMul_VectorTimesVector_IsScalarDot()
    {
        var a = Of(1, 2, 3).Tracked();
        var b = Of(4, 5, 6).Tracked();
        var c = a.MatMul(b);
        // 4 + 10 + 18
        AssertClose(Array.Empty<int>(), new double[] { 32 }, c);
        c.Backward();
        AssertClose(new double[] { 4, 5, 6 }, a.Gradient);
        AssertClose(new double[] { 1, 2, 3 }, b.Gradient);
        AssertClose(Array.Empty<int>(), new double[] { 32 }, a.Dot(b));
    }

    [Fact]
    public void MatMul_VectorWithBias()
    {
        var v = Of(1, 2, 3);
        var bias = Of(1, -1).Tracked();
        var c = v.MatMul(T(new[] { 3, 2 }, BValues), bias: bias);
        AssertClose(new[] { 2 }, new double[] { 59, 63 }, c);
        c.Backward();
        AssertClose(new double[] { 1, 1 }, bias.Gradient);
    }

    // Batched operands: A = arange(24) as [2,3,4], so row r (= 3b + i) holds 4r, 4r+1, 4r+2, 4r+3.
    // K[k,j] = k + 1 (for j < 5): (row r) . K[:,j] = sum_k (4r + k)(k + 1) = 40r + 20.
    private Tensor K() => Tensor.FromArray(new[] { 4, 5 }, Fill(20, i => i / 5 + 1), Dt);

    private static double[] Fill(int n, Func<int, double> f)
    {
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = f(i);
        return v;
    }

    [Fact]
    public void MatMul_Batched_Times2D()
    {
        var a = Tensor.Arange(24, Dt).Reshape(2, 3, 4).Tracked();
        var k = K().Tracked();
        var c = a.MatMul(k);
        AssertShape(new[] { 2, 3, 5 }, c);
        AssertClose(Fill(30, i => 40 * (i / 5) + 20), c);
        c.Backward();
        // dA[b,i,k] = sum_j K[k,j] = 5(k+1); dK[k,j] = sum_{b,i} A[b,i,k] = sum_r (4r + k) = 60 + 6k
        AssertClose(new[] { 2, 3, 4 }, Fill(24, i => 5 * (i % 4 + 1)), a.Gradient);
        AssertClose(new[] { 4, 5 }, Fill(20, i => 60 + 6 * (i / 5)), k.Gradient);
    }

    [Fact]
    public void MatMul_Batched_Times2D_WithBiasAndTransposes()
    {
        var a = Tensor.Arange(24, Dt).Reshape(2, 3, 4).Tracked();
        var kt = K().T.Detach().Tracked(); // stored [5,4]
        var bias = Of(1, 2, 3, 4, 5).Tracked();
        var c = a.MatMul(kt, transposeOther: true, bias: bias);
        AssertClose(new[] { 2, 3, 5 }, Fill(30, i => 40 * (i / 5) + 20 + (i % 5 + 1)), c);
        c.Backward();
        // six rows each add a one to every bias entry
        AssertClose(new[] { 5 }, new double[] { 6, 6, 6, 6, 6 }, bias.Gradient);
        AssertClose(new[] { 5, 4 }, Fill(20, i => 60 + 6 * (i % 4)), kt.Gradient);
        AssertClose(new[] { 2, 3, 4 }, Fill(24, i => 5 * (i % 4 + 1)), a.Gradient);

        // a transposed batch: stored [2,4,3], op = [2,3,4]
        var at = a.Transpose(1, 2).Detach().Tracked();
        var c2 = at.MatMul(K(), transposeThis: true);
        AssertClose(new[] { 2, 3, 5 }, Fill(30, i => 40 * (i / 5) + 20), c2);
        c2.Backward();
        // dA^T[b,k,i] = 5(k+1)
        AssertClose(new[] { 2, 4, 3 }, Fill(24, i => 5 * ((i / 3) % 4 + 1)), at.Gradient);
    }

    [Fact]
    public void MatMul_Batched_TimesBatched()
    {
        var a = Tensor.Arange(24, Dt).Reshape(2, 3, 4).Tracked();
        // B[b] = (b+1) K
        var b = Tensor.Stack(new[] { K(), K() * 2.0 }).Tracked();
        var c = a.MatMul(b);
        // c[b,i,j] = (b+1)(40r + 20) with r = 3b + i
        AssertClose(new[] { 2, 3, 5 }, Fill(30, i => (i / 15 + 1) * (40 * (i / 5) + 20)), c);
        c.Backward();
        // dA[b,i,k] = (b+1) 5 (k+1); dB[b,k,j] = sum_i A[b,i,k] = 4(3b + 3b+1 + 3b+2) + 3k = 36b + 12 + 3k
        AssertClose(new[] { 2, 3, 4 }, Fill(24, i => (i / 12 + 1) * 5 * (i % 4 + 1)), a.Gradient);
        AssertClose(new[] { 2, 4, 5 }, Fill(40, i => 36 * (i / 20) + 12 + 3 * ((i / 5) % 4)), b.Gradient);
    }

    [Fact]
    public void MatMul_BroadcastBatch_GradientSummedOverBatch()
    {
        var a = Tensor.Arange(12, Dt).Reshape(1, 3, 4).Tracked();
        var b = Tensor.Stack(new[] { K(), K() * 2.0 }).Tracked();
        var c = a.MatMul(b);
        // c[b,i,j] = (b+1)(40i + 20)
        AssertClose(new[] { 2, 3, 5 }, Fill(30, i => (i / 15 + 1) * (40 * ((i / 5) % 3) + 20)), c);
        c.Backward();
        // dA[0,i,k] = sum_b (b+1) 5 (k+1) = 15(k+1); dB[b,k,j] = sum_i A[0,i,k] = 12 + 3k
        AssertClose(new[] { 1, 3, 4 }, Fill(12, i => 15 * (i % 4 + 1)), a.Gradient);
        AssertClose(new[] { 2, 4, 5 }, Fill(40, i => 12 + 3 * ((i / 5) % 4)), b.Gradient);
    }

    [Fact]
    public void MatMul_VectorTimesBatch()
    {
        var v = Of(1, 1, 1, 1).Tracked();
        var b = Tensor.Stack(new[] { K(), K() * 2.0 }).Tracked();
        var c = v.MatMul(b);
        // sum_k (b+1)(k+1) = 10(b+1)
        AssertClose(new[] { 2, 5 }, Fill(10, i => 10 * (i / 5 + 1)), c);
        c.Backward();
        // dv[k] = sum_{b,j} B[b,k,j] = 5(k+1)(1+2)
        AssertClose(new[] { 4 }, new double[] { 15, 30, 45, 60 }, v.Gradient);
    }

    [Fact]
    public void OuterAndDot()
    {
        var a = Of(1, 2).Tracked();
        var b = Of(3, 4, 5).Tracked();
        var o = a.Outer(b);
        AssertClose(new[] { 2, 3 }, new double[] { 3, 4, 5, 6, 8, 10 }, o);
        o.Backward();
        // d/da_i = sum_j b_j = 12; d/db_j = sum_i a_i = 3
        AssertClose(new double[] { 12, 12 }, a.Gradient);
        AssertClose(new double[] { 3, 3, 3 }, b.Gradient);
        ThrowsShape(() => a.Dot(b), "dot", "[2]", "[3]");
        ThrowsShape(() => Tensor.Zeros(new[] { 2, 2 }, Dt).Dot(a), "dot", "[2,2]", "[2]");
        ThrowsShape(() => Tensor.Zeros(new[] { 2, 2 }, Dt).Outer(a), "outer", "[2,2]", "[2]");
    }

    [Fact]
    public void MatrixRoundTrip()
    {
        var a = T(new[] { 2, 3 }, AValues);
        var m = a.ToMatrix();
        Assert.Equal(2, m.RowCount);
        Assert.Equal(3, m.ColumnCount);
        Assert.Equal(6.0, m[1, 2]);
        Assert.Equal(2.0, m[0, 1]);
        var back = Tensor.FromMatrix(Matrix<double>.Build.DenseOfArray(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } })).To(Dt);
        Assert.Equal(a, back);
        Throws<InvalidOperationException>(() => Tensor.Zeros(new[] { 3 }, Dt).ToMatrix(), "to_matrix", "[3]");
    }

    // ---------------------------------------------------------------- errors

    [Fact]
    public void MatMul_InnerDimensionMismatch_MessageNamesShapes()
    {
        var ex = ThrowsShape(() => Tensor.Zeros(new[] { 2, 3 }, Dt).MatMul(Tensor.Zeros(new[] { 4, 5 }, Dt)));
        Assert.Equal("matmul: cannot multiply [2,3] by [4,5]: inner dimensions 3 and 4 differ", ex.Message);
        ThrowsShape(() => Tensor.Zeros(new[] { 2, 3 }, Dt).MatMul(Tensor.Zeros(new[] { 3, 2 }, Dt), transposeThis: true), "matmul", "[2,3]", "inner dimensions 2 and 3");
        ThrowsShape(() => Tensor.Zeros(new[] { 2, 3, 4 }, Dt).MatMul(Tensor.Zeros(new[] { 5, 6 }, Dt)), "matmul", "[2,3,4]", "[5,6]");
    }

    [Fact]
    public void MatMul_VectorMismatch_MessageNamesTheOriginalShapes()
    {
        ThrowsShape(() => Tensor.Zeros(new[] { 3 }, Dt).MatMul(Tensor.Zeros(new[] { 4, 5 }, Dt)), "matmul", "[3]", "[4,5]");
        ThrowsShape(() => Tensor.Zeros(new[] { 2, 3 }, Dt).MatMul(Tensor.Zeros(new[] { 4 }, Dt)), "matmul", "[2,3]", "[4]");
        ThrowsShape(() => Tensor.Zeros(new[] { 3 }, Dt).MatMul(Tensor.Zeros(new[] { 4 }, Dt)), "matmul", "[3]", "[4]");
    }

    [Fact]
    public void MatMul_BatchesThatDoNotBroadcast_MessageNamesFullShapes()
    {
        ThrowsShape(() => Tensor.Zeros(new[] { 2, 3, 4 }, Dt).MatMul(Tensor.Zeros(new[] { 3, 4, 5 }, Dt)), "matmul", "[2,3,4]", "[3,4,5]");
    }

    [Fact]
    public void MatMul_ScalarOperandOrBadBias_Throws()
    {
        ThrowsShape(() => Tensor.Scalar(2, Dt).MatMul(Tensor.Zeros(new[] { 2, 2 }, Dt)), "matmul", "[]", "[2,2]");
        ThrowsShape(() => Tensor.Zeros(new[] { 2, 2 }, Dt).MatMul(Tensor.Zeros(new[] { 2, 2 }, Dt), bias: Tensor.Zeros(new[] { 3 }, Dt)), "matmul", "bias", "[3]", "[2,2]");
    }
}
