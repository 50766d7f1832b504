using System;

namespace Corgi;

// Upsampling of [N, C, H, W] images. Nearest is a gather (Remap) whose gradient is the scatter-add back;
// bilinear is linear and separable, so it is two matrix products with constant interpolation matrices
// (A_h · X · A_wᵀ, see ApplyAlongLastTwo) and its gradient is the transposed products.
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
        var rows = FromArray(new[] { outHeight, _shape[2] }, Interpolation(_shape[2], outHeight, alignCorners), _dtype);
        var cols = FromArray(new[] { outWidth, _shape[3] }, Interpolation(_shape[3], outWidth, alignCorners), _dtype);
        return ApplyAlongLastTwo(rows, cols);
    }

    /// <summary>Bilinear upsampling by a whole factor in both directions; see <see cref="UpsampleBilinear2d(int, int, bool)"/>.</summary>
    /// <param name="scaleFactor">The factor, at least 1.</param>
    /// <param name="alignCorners">PyTorch's align_corners; false by default.</param>
    public Tensor UpsampleBilinear2d(int scaleFactor, bool alignCorners = false) =>
        UpsampleBilinear2d(Rank == 4 ? _shape[2] * scaleFactor : 0, Rank == 4 ? _shape[3] * scaleFactor : 0, alignCorners);

    /// <summary>The [m, n] matrix of 1-D linear interpolation from n samples to m (PyTorch's source index rule).</summary>
    private static double[] Interpolation(int n, int m, bool alignCorners)
    {
        var a = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            double src = alignCorners
                ? (m > 1 ? i * (double)(n - 1) / (m - 1) : 0)
                : Math.Max(0, (i + 0.5) * n / m - 0.5);
            int i0 = Math.Min((int)src, n - 1), i1 = Math.Min(i0 + 1, n - 1);
            double w1 = src - i0;
            a[i * n + i0] += 1 - w1;
            a[i * n + i1] += w1;
        }
        return a;
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
