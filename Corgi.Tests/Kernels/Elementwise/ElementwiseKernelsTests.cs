using System;
using Corgi.Kernels;
using Xunit;

namespace Corgi.Tests.Kernels;

public class ElementwiseKernelsTests
{
    private static double[] Add(double[] x, int[] xs, double[] y, int[] ys, int[] outShape)
    {
        var d = new double[ShapeUtil.Count(outShape)];
        ElementwiseKernels.Binary<AddOperator, double>(x, xs, y, ys, outShape, d);
        return d;
    }

    private static double[] Sub(double[] x, int[] xs, double[] y, int[] ys, int[] outShape)
    {
        var d = new double[ShapeUtil.Count(outShape)];
        ElementwiseKernels.Binary<SubtractOperator, double>(x, xs, y, ys, outShape, d);
        return d;
    }

    [Fact]
    public void SameShape()
    {
        Assert.Equal(new double[] { 11, 22, 33, 44 },
            Add(new double[] { 1, 2, 3, 4 }, new[] { 2, 2 }, new double[] { 10, 20, 30, 40 }, new[] { 2, 2 }, new[] { 2, 2 }));
    }

    [Fact]
    public void ScalarOnEitherSide_KeepsOperandOrder()
    {
        // x - 10 and 10 - x: the scalar forms must not swap the operands
        Assert.Equal(new double[] { -9, -8, -7 },
            Sub(new double[] { 1, 2, 3 }, new[] { 3 }, new double[] { 10 }, Array.Empty<int>(), new[] { 3 }));
        Assert.Equal(new double[] { 9, 8, 7 },
            Sub(new double[] { 10 }, new[] { 1 }, new double[] { 1, 2, 3 }, new[] { 3 }, new[] { 3 }));
    }

    [Fact]
    public void RowVector()
    {
        // [2,3] - [1,3]: out[i,j] = x[i,j] - y[j]
        Assert.Equal(new double[] { -9, -18, -27, -6, -15, -24 },
            Sub(new double[] { 1, 2, 3, 4, 5, 6 }, new[] { 2, 3 }, new double[] { 10, 20, 30 }, new[] { 1, 3 }, new[] { 2, 3 }));
        // and on the left: [1,3] - [2,3]
        Assert.Equal(new double[] { 9, 18, 27, 6, 15, 24 },
            Sub(new double[] { 10, 20, 30 }, new[] { 1, 3 }, new double[] { 1, 2, 3, 4, 5, 6 }, new[] { 2, 3 }, new[] { 2, 3 }));
    }

    [Fact]
    public void ColumnVector()
    {
        // [2,3] - [2,1]: out[i,j] = x[i,j] - y[i]
        Assert.Equal(new double[] { -9, -8, -7, -16, -15, -14 },
            Sub(new double[] { 1, 2, 3, 4, 5, 6 }, new[] { 2, 3 }, new double[] { 10, 20 }, new[] { 2, 1 }, new[] { 2, 3 }));
        // [2,1] - [2,3]: out[i,j] = x[i] - y[i,j]
        Assert.Equal(new double[] { 9, 8, 7, 16, 15, 14 },
            Sub(new double[] { 10, 20 }, new[] { 2, 1 }, new double[] { 1, 2, 3, 4, 5, 6 }, new[] { 2, 3 }, new[] { 2, 3 }));
    }

    [Fact]
    public void ColumnMinusRow_Outer()
    {
        // [3,1] - [1,4]: out[i,j] = x[i] - y[j]
        Assert.Equal(new double[] { -9, -19, -29, -39, -8, -18, -28, -38, -7, -17, -27, -37 },
            Sub(new double[] { 1, 2, 3 }, new[] { 3, 1 }, new double[] { 10, 20, 30, 40 }, new[] { 1, 4 }, new[] { 3, 4 }));
    }

    [Fact]
    public void Broadcast213With41()
    {
        // x[i,0,k] = 3i + k (i < 2, k < 3); y[j,0] = 100 j (j < 4); out[i,j,k] = 3i + k + 100j, shape [2,4,3]
        var x = new double[] { 0, 1, 2, 3, 4, 5 };
        var y = new double[] { 0, 100, 200, 300 };
        var d = Add(x, new[] { 2, 1, 3 }, y, new[] { 4, 1 }, new[] { 2, 4, 3 });
        var expected = new double[24];
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 4; j++)
                for (int k = 0; k < 3; k++)
                    expected[(i * 4 + j) * 3 + k] = 3 * i + k + 100 * j;
        Assert.Equal(expected, d);
        Assert.Equal(new[] { 2, 4, 3 }, ShapeUtil.Broadcast("add", new[] { 2, 1, 3 }, new[] { 4, 1 }));
    }

    [Fact]
    public void RankPromotion()
    {
        // [3] + [2,3]: the vector is treated as [1,3]
        Assert.Equal(new double[] { 11, 22, 33, 14, 25, 36 },
            Add(new double[] { 10, 20, 30 }, new[] { 3 }, new double[] { 1, 2, 3, 4, 5, 6 }, new[] { 2, 3 }, new[] { 2, 3 }));
        // [2,1,1] + [3]: out[i,0,j] = x[i] + y[j]
        Assert.Equal(new double[] { 11, 12, 13, 21, 22, 23 },
            Add(new double[] { 10, 20 }, new[] { 2, 1, 1 }, new double[] { 1, 2, 3 }, new[] { 3 }, new[] { 2, 1, 3 }));
    }

    [Fact]
    public void GenericOverFloat32()
    {
        var d = new float[6];
        ElementwiseKernels.Binary<MultiplyOperator, float>(
            new float[] { 1, 2, 3, 4, 5, 6 }, new[] { 2, 3 }, new float[] { 1, 10, 100 }, new[] { 3 }, new[] { 2, 3 }, d);
        Assert.Equal(new float[] { 1, 20, 300, 4, 50, 600 }, d);
    }

    [Fact]
    public void EmptyOutput_IsANoOp()
    {
        Assert.Empty(Add(Array.Empty<double>(), new[] { 0, 3 }, new double[] { 1, 2, 3 }, new[] { 3 }, new[] { 0, 3 }));
    }

    [Fact]
    public void Broadcast_IncompatibleShapes_NamesOpAndShapes()
    {
        var ex = Assert.Throws<TensorShapeException>(() => ShapeUtil.Broadcast("mul", new[] { 2, 3 }, new[] { 2 }));
        Assert.Contains("mul", ex.Message);
        Assert.Contains("[2,3]", ex.Message);
        Assert.Contains("[2]", ex.Message);
    }

    // ---------------------------------------------------------------- StridedCopy

    [Fact]
    public void StridedCopy_Transpose()
    {
        // a [2,3] buffer read with strides [1,3] is its [3,2] transpose
        var src = new double[] { 1, 2, 3, 4, 5, 6 };
        var dst = new double[6];
        ElementwiseKernels.StridedCopy<double>(src, 0, new[] { 1, 3 }, new[] { 3, 2 }, dst);
        Assert.Equal(new double[] { 1, 4, 2, 5, 3, 6 }, dst);
    }

    [Fact]
    public void StridedCopy_BroadcastWithZeroStride()
    {
        var dst = new double[6];
        // a row repeated: strides [0,1]
        ElementwiseKernels.StridedCopy<double>(new double[] { 1, 2, 3 }, 0, new[] { 0, 1 }, new[] { 2, 3 }, dst);
        Assert.Equal(new double[] { 1, 2, 3, 1, 2, 3 }, dst);
        // a column repeated: strides [1,0]
        ElementwiseKernels.StridedCopy<double>(new double[] { 1, 2 }, 0, new[] { 1, 0 }, new[] { 2, 3 }, dst);
        Assert.Equal(new double[] { 1, 1, 1, 2, 2, 2 }, dst);
    }

    [Fact]
    public void StridedCopy_WithOffset_IsNarrow()
    {
        // columns 1..2 of a [2,4] buffer: offset 1, strides [4,1], shape [2,2]
        var src = new double[] { 0, 1, 2, 3, 4, 5, 6, 7 };
        var dst = new double[4];
        ElementwiseKernels.StridedCopy<double>(src, 1, new[] { 4, 1 }, new[] { 2, 2 }, dst);
        Assert.Equal(new double[] { 1, 2, 5, 6 }, dst);
    }

    [Fact]
    public void StridedCopy_Rank3Permutation()
    {
        // x [2,3,4] = arange; the permutation (2,0,1) reads x with strides [1,12,4] into shape [4,2,3]
        var src = new double[24];
        for (int i = 0; i < 24; i++) src[i] = i;
        var dst = new double[24];
        ElementwiseKernels.StridedCopy<double>(src, 0, new[] { 1, 12, 4 }, new[] { 4, 2, 3 }, dst);
        for (int k = 0; k < 4; k++)
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 3; j++)
                    Assert.Equal(12 * i + 4 * j + k, dst[(k * 2 + i) * 3 + j]);
    }

    [Fact]
    public void StridedCopy_ScalarAndEmpty()
    {
        var dst = new double[1];
        ElementwiseKernels.StridedCopy<double>(new double[] { 7 }, 0, Array.Empty<int>(), Array.Empty<int>(), dst);
        Assert.Equal(7.0, dst[0]);
        ElementwiseKernels.StridedCopy<double>(Array.Empty<double>(), 0, new[] { 1 }, new[] { 0 }, Array.Empty<double>());
    }

    [Fact]
    public void Coalesce_MergesContiguousDimensions()
    {
        Span<int> dims = stackalloc int[3], o1 = stackalloc int[3], o2 = stackalloc int[3];
        // [2,3,4] contiguous for both operands: one run of 24
        int r = ElementwiseKernels.Coalesce(new[] { 2, 3, 4 }, new[] { 12, 4, 1 }, new[] { 12, 4, 1 }, dims, o1, o2);
        Assert.Equal(1, r);
        Assert.Equal(24, dims[0]);
        // [64,32] + [32]: 64 runs of 32
        r = ElementwiseKernels.Coalesce(new[] { 64, 32 }, new[] { 32, 1 }, new[] { 0, 1 }, dims, o1, o2);
        Assert.Equal(2, r);
        Assert.Equal(64, dims[0]);
        Assert.Equal(32, dims[1]);
    }
}
