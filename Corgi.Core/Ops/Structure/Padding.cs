using System;

namespace Corgi;

/// <summary>How <see cref="Tensor.Pad"/> fills the new border (PyTorch's <c>mode</c> of <c>F.pad</c>).</summary>
public enum PaddingMode
{
    /// <summary>A constant value (0 by default); negative padding crops.</summary>
    Constant,

    /// <summary>The mirror image without repeating the edge: [1,2,3] padded by 2 on the left is [3,2,1,2,3]. Padding below the size.</summary>
    Reflect,

    /// <summary>The edge value repeated: [1,2,3] padded by 2 on the left is [1,1,1,2,3].</summary>
    Replicate,

    /// <summary>Wraps around: [1,2,3] padded by 2 on the left is [2,3,1,2,3]. Padding at most the size.</summary>
    Circular,
}

// Padding: one gather through per-dimension source coordinates (Remap), so the gradient of every mode is
// the scatter-add back (reflected and replicated borders add their gradient to the elements they copy).
public sealed partial class Tensor
{
    /// <summary>
    /// Pads the last dimensions, like <c>torch.nn.functional.pad</c>: <paramref name="pad"/> lists
    /// (before, after) pairs starting from the LAST dimension, so { 1, 2 } pads the last dimension by 1 before
    /// and 2 after, and { 1, 1, 2, 2 } also pads the one before it by 2 on each side.
    /// </summary>
    /// <param name="pad">An even number of widths, at most two per dimension.</param>
    /// <param name="mode">Constant (the default), reflect, replicate or circular.</param>
    /// <param name="value">The fill value of constant padding.</param>
    /// <example><code>
    /// Tensor.Of(1.0, 2, 3).Pad(new[] { 2, 1 })                        // [0, 0, 1, 2, 3, 0]
    /// Tensor.Of(1.0, 2, 3).Pad(new[] { 2, 0 }, PaddingMode.Reflect)   // [3, 2, 1, 2, 3]
    /// </code></example>
    /// <exception cref="TensorShapeException">An odd number of widths, more than two per dimension, a
    /// negative width in a mode other than constant, a reflect width not below the size, a circular width above it,
    /// or replicate padding of an empty dimension.</exception>
    public Tensor Pad(int[] pad, PaddingMode mode = PaddingMode.Constant, double value = 0)
    {
        ArgumentNullException.ThrowIfNull(pad);
        string op = mode switch
        {
            PaddingMode.Reflect => "pad (reflect)",
            PaddingMode.Replicate => "pad (replicate)",
            PaddingMode.Circular => "pad (circular)",
            _ => "pad",
        };
        if (pad.Length % 2 != 0 || pad.Length > 2 * Rank)
            throw new TensorShapeException(
                $"{op}: padding {ShapeUtil.Format(pad)} must be (before, after) pairs for at most the {Rank} dimensions of shape {ShapeUtil.Format(_shape)}");
        var coords = IdentityCoords();
        for (int k = 0; k < pad.Length / 2; k++)
        {
            int d = Rank - 1 - k, before = pad[2 * k], after = pad[2 * k + 1], n = _shape[d];
            if (before == 0 && after == 0) continue;
            void Fail(string why) => throw new TensorShapeException(
                $"{op}: padding ({before}, {after}) of dimension {d} (size {n}) of shape {ShapeUtil.Format(_shape)}: {why}");
            if (mode != PaddingMode.Constant && (before < 0 || after < 0)) Fail("negative padding is only allowed in constant mode");
            if (mode == PaddingMode.Reflect && (before >= n || after >= n)) Fail("reflect padding must be below the dimension's size");
            if (mode == PaddingMode.Circular && (before > n || after > n)) Fail("circular padding must be at most the dimension's size");
            if (mode == PaddingMode.Replicate && n == 0) Fail("an empty dimension cannot be replicated");
            long length = (long)n + before + after;
            if (length < 0) Fail("the result would have a negative size");
            var c = new int[length];
            for (int o = 0; o < c.Length; o++)
            {
                int s = o - before;
                c[o] = mode switch
                {
                    PaddingMode.Reflect => s < 0 ? -s : s >= n ? 2 * (n - 1) - s : s,
                    PaddingMode.Replicate => Math.Clamp(s, 0, n - 1),
                    PaddingMode.Circular => (s % n + n) % n,
                    _ => s >= 0 && s < n ? s : -1,
                };
            }
            coords[d] = c;
        }
        var padded = Remap(coords);
        if (mode != PaddingMode.Constant || value == 0) return padded;
        // the border: value where the constant ones map to nothing
        var inside = Ones(_shape, _dtype).Remap(coords);
        return padded + (1.0 - inside) * value;
    }
}
