using System;
using Corgi.Kernels;

namespace Corgi;

// Upsampling of [N, C, H, W] images. Nearest is a gather (Remap) whose gradient is the scatter-add back;
// bilinear is separable: linear interpolation along the width, then along the height (lerp_along, each output
// row or sample mixing its two neighbours by constant weights: O(output) work, where dense interpolation matrices
// through a GEMM would cost O(output · input size)); lerp_along and its weighted scatter-add adjoint are each
// other's derivatives, so every order works.
public sealed partial class Tensor
{
    /// <summary>
    /// Nearest-neighbour upsampling to outHeight × outWidth, like <c>F.interpolate(x, size, mode="nearest")</c>:
    /// output row i reads input row min(⌊i·H/OH⌋, H-1), and likewise for columns.
    /// </summary>
    /// <param name="outHeight">The output height, at least 1.</param>
    /// <param name="outWidth">The output width, at least 1.</param>
    /// <exception cref="TensorShapeException">The input is not rank 4, or has an empty plane.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An output size is below 1.</exception>
    public Tensor UpsampleNearest2d(int outHeight, int outWidth)
    {
        CheckUpsample("upsample_nearest2d", outHeight, outWidth);
        static int[] Nearest(int n, int m)
        {
            var c = new int[m];
            for (int i = 0; i < m; i++) c[i] = Math.Min((int)((long)i * n / m), n - 1);
            return c;
        }
        return Remap(new[] { Identity(_shape[0]), Identity(_shape[1]), Nearest(_shape[2], outHeight), Nearest(_shape[3], outWidth) });
    }

    /// <summary>Nearest-neighbour upsampling by a whole factor in both directions (each pixel becomes a factor × factor block).</summary>
    /// <param name="scaleFactor">The factor, at least 1.</param>
    /// <example><code>x.UpsampleNearest2d(2)   // [N, C, 2H, 2W]</code></example>
    public Tensor UpsampleNearest2d(int scaleFactor) =>
        UpsampleNearest2d(Rank == 4 ? _shape[2] * scaleFactor : 0, Rank == 4 ? _shape[3] * scaleFactor : 0);

    /// <summary>
    /// Bilinear upsampling (or downsampling) to outHeight × outWidth, like
    /// <c>F.interpolate(x, size, mode="bilinear", align_corners=False)</c>, PyTorch's default: output pixel i samples
    /// the input at (i + 0.5)·H/OH - 0.5 (clamped at 0 and at the last row). With <paramref name="alignCorners"/>
    /// the corners' centres line up instead: i·(H-1)/(OH-1) (the behaviour of <c>nn.UpsamplingBilinear2d</c>).
    /// </summary>
    /// <param name="outHeight">The output height, at least 1.</param>
    /// <param name="outWidth">The output width, at least 1.</param>
    /// <param name="alignCorners">PyTorch's align_corners; false by default.</param>
    /// <exception cref="TensorShapeException">The input is not rank 4, or has an empty plane.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An output size is below 1.</exception>
    public Tensor UpsampleBilinear2d(int outHeight, int outWidth, bool alignCorners = false)
    {
        CheckUpsample("upsample_bilinear2d", outHeight, outWidth);
        var (rows0, rows1, rowWeights) = Interpolation(_shape[2], outHeight, alignCorners);
        var (cols0, cols1, colWeights) = Interpolation(_shape[3], outWidth, alignCorners);
        return LerpAlong(3, cols0, cols1, colWeights).LerpAlong(2, rows0, rows1, rowWeights);
    }

    /// <summary>
    /// lerp_along: linear interpolation along one dimension, out[.., i, ..] = (1 - w[i]) · x[.., i0[i], ..] +
    /// w[i] · x[.., i1[i], ..]. Linear in x: its derivative is lerp_along_adjoint, whose derivative is this op.
    /// </summary>
    private Tensor LerpAlong(int axis, int[] i0, int[] i1, double[] w)
    {
        var (outer, n, inner) = ShapeUtil.Split(_shape, axis);
        var shape = (int[])_shape.Clone();
        shape[axis] = i0.Length;
        int count = ShapeUtil.CountChecked("upsample_bilinear2d", shape);
        Array data;
        if (_dtype == DType.Float32) { var d = Buffers.Uninitialized<float>(count); IndexKernels.LerpAlong<float>(F32, outer, n, inner, i0, i1, w, d); data = d; }
        else { var d = Buffers.Uninitialized<double>(count); IndexKernels.LerpAlong<double>(F64, outer, n, inner, i0, i1, w, d); data = d; }
        return Result("lerp_along", data, shape, this, (g, _, _, _) => g.LerpAlongAdjoint(axis, i0, i1, w, n));
    }

    /// <summary>lerp_along_adjoint: the weighted scatter-add back to size <paramref name="n"/> along the axis; derivative: lerp_along.</summary>
    private Tensor LerpAlongAdjoint(int axis, int[] i0, int[] i1, double[] w, int n)
    {
        var (outer, _, inner) = ShapeUtil.Split(_shape, axis);
        var shape = (int[])_shape.Clone();
        shape[axis] = n;
        int count = ShapeUtil.Count(shape);
        Array data;
        if (_dtype == DType.Float32) { var d = Buffers.Zeroed<float>(count); IndexKernels.LerpAlongAdjoint<float>(F32, outer, n, inner, i0, i1, w, d); data = d; }
        else { var d = Buffers.Zeroed<double>(count); IndexKernels.LerpAlongAdjoint<double>(F64, outer, n, inner, i0, i1, w, d); data = d; }
        return Result("lerp_along_adjoint", data, shape, this, (g, _, _, _) => g.LerpAlong(axis, i0, i1, w));
    }

    /// <summary>Bilinear upsampling by a whole factor in both directions; see <see cref="UpsampleBilinear2d(int, int, bool)"/>.</summary>
    /// <param name="scaleFactor">The factor, at least 1.</param>
    /// <param name="alignCorners">PyTorch's align_corners; false by default.</param>
    public Tensor UpsampleBilinear2d(int scaleFactor, bool alignCorners = false) =>
        UpsampleBilinear2d(Rank == 4 ? _shape[2] * scaleFactor : 0, Rank == 4 ? _shape[3] * scaleFactor : 0, alignCorners);

    /// <summary>
    /// 1-D linear interpolation from n samples to m (PyTorch's source index rule): output i mixes samples i0[i] and
    /// i1[i] with weight w[i] on i1[i].
    /// </summary>
    private static (int[] I0, int[] I1, double[] W) Interpolation(int n, int m, bool alignCorners)
    {
        var i0 = new int[m];
        var i1 = new int[m];
        var w = new double[m];
        for (int i = 0; i < m; i++)
        {
            double src = alignCorners
                ? (m > 1 ? i * (double)(n - 1) / (m - 1) : 0)
                : Math.Max(0, (i + 0.5) * n / m - 0.5);
            i0[i] = Math.Min((int)src, n - 1);
            i1[i] = Math.Min(i0[i] + 1, n - 1);
            w[i] = src - i0[i];
        }
        return (i0, i1, w);
    }

    private void CheckUpsample(string op, int outHeight, int outWidth)
    {
        if (Rank != 4) throw new TensorShapeException($"{op}: needs an input of shape [N,C,H,W], got {ShapeUtil.Format(_shape)}");
        if (outHeight < 1 || outWidth < 1)
            throw new ArgumentOutOfRangeException(nameof(outHeight), $"{op}: the output size must be at least 1x1, got {outHeight}x{outWidth} (input {ShapeUtil.Format(_shape)})");
        if (_shape[2] == 0 || _shape[3] == 0)
            throw new TensorShapeException($"{op}: the input {ShapeUtil.Format(_shape)} has empty planes");
    }
}
