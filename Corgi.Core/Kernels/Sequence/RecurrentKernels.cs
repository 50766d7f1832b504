using System;
using System.Numerics;
using System.Numerics.Tensors;
using Corgi.LinearAlgebra;

namespace Corgi.Kernels;

/// <summary>
/// What an LSTM recurrence keeps from its forward pass for its backward pass, all [L, N, ·] in time order:
/// the activated gates (i, f, g, o per row), tanh of each new cell state, and the hidden and cell states each
/// step started from.
/// </summary>
internal sealed class LstmTape<T>(int steps, int batch, int hidden) where T : unmanaged
{
    public readonly T[] Gates = Buffers.Uninitialized<T>(checked(steps * batch * 4 * hidden));
    public readonly T[] CellTanh = Buffers.Uninitialized<T>(checked(steps * batch * hidden));
    public readonly T[] HiddenBefore = Buffers.Uninitialized<T>(checked(steps * batch * hidden));
    public readonly T[] CellBefore = Buffers.Uninitialized<T>(checked(steps * batch * hidden));
}

/// <summary>
/// What a GRU recurrence keeps for its backward pass, [L, N, ·] in time order: the activated gates (r, z, n per row),
/// the hidden projection's n block W_hn h + b_hn, and the hidden state each step started from.
/// </summary>
internal sealed class GruTape<T>(int steps, int batch, int hidden) where T : unmanaged
{
    public readonly T[] Gates = Buffers.Uninitialized<T>(checked(steps * batch * 3 * hidden));
    public readonly T[] HiddenN = Buffers.Uninitialized<T>(checked(steps * batch * hidden));
    public readonly T[] HiddenBefore = Buffers.Uninitialized<T>(checked(steps * batch * hidden));
}

/// <summary>
/// The LSTM recurrence over a whole sequence, forward and backward, on raw row-major buffers: one GEMM per step
/// for the hidden projection and one pass over the gates, instead of ~17 tensor ops per step (PyTorch fuses the
/// same arithmetic). Gates are stacked i, f, g, o as in PyTorch: c' = σ(f) c + σ(i) tanh(g), h' = σ(o) tanh(c').
/// </summary>
/// <remarks>
/// Rows past their sequence's length (<c>lengths[b] &lt;= t</c>) keep their state and output zero, in either
/// direction; <c>reverse</c> runs t = L-1 down to 0.
/// </remarks>
internal static class RecurrentKernels
{
    /// <summary>
    /// Runs the recurrence: <paramref name="packed"/> [L + 2, N, H] receives the outputs h_t (zero past a row's length)
    /// in rows 0..L-1, the final hidden state in row L and the final cell state in row L + 1.
    /// </summary>
    /// <param name="steps">L.</param>
    /// <param name="batch">N.</param>
    /// <param name="hidden">H.</param>
    /// <param name="inputGates">W_ih x_t + b_ih for every step, [L, N, 4H].</param>
    /// <param name="weightHH">W_hh, [4H, H].</param>
    /// <param name="biasHH">b_hh [4H], or empty for none.</param>
    /// <param name="h0">The initial hidden state [N, H].</param>
    /// <param name="c0">The initial cell state [N, H].</param>
    /// <param name="lengths">Per row, the steps it runs; null when all run L.</param>
    /// <param name="reverse">Run from the last step to the first.</param>
    /// <param name="tape">Receives what the backward pass reads.</param>
    /// <param name="packed">The result, [L + 2, N, H].</param>
    public static void LstmForward<T>(int steps, int batch, int hidden,
        ReadOnlySpan<T> inputGates, ReadOnlySpan<T> weightHH, ReadOnlySpan<T> biasHH, ReadOnlySpan<T> h0, ReadOnlySpan<T> c0,
        int[]? lengths, bool reverse, LstmTape<T> tape, Span<T> packed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int h4 = 4 * hidden, state = batch * hidden;
        var h = packed.Slice(steps * state, state);
        var c = packed.Slice((steps + 1) * state, state);
        h0.CopyTo(h);
        c0.CopyTo(c);
        for (int s = 0; s < steps; s++)
        {
            int t = reverse ? steps - 1 - s : s;
            var gates = tape.Gates.AsSpan(t * batch * h4, batch * h4);
            h.CopyTo(tape.HiddenBefore.AsSpan(t * state, state));
            c.CopyTo(tape.CellBefore.AsSpan(t * state, state));
            // gates = W_ih x_t + b_ih + b_hh + h W_hhᵀ
            inputGates.Slice(t * batch * h4, batch * h4).CopyTo(gates);
            if (!biasHH.IsEmpty)
                for (int b = 0; b < batch; b++) TensorPrimitives.Add(gates.Slice(b * h4, h4), biasHH, gates.Slice(b * h4, h4));
            Gemm.RowMajor(false, true, batch, h4, hidden, T.One, (ReadOnlySpan<T>)h, weightHH, T.One, gates);

            var cellTanh = tape.CellTanh.AsSpan(t * state, state);
            var output = packed.Slice(t * state, state);
            for (int b = 0; b < batch; b++)
            {
                var row = gates.Slice(b * h4, h4);
                TensorPrimitives.Sigmoid(row.Slice(0, 2 * hidden), row.Slice(0, 2 * hidden));
                UnaryKernels.Tanh<T>(row.Slice(2 * hidden, hidden), row.Slice(2 * hidden, hidden));
                TensorPrimitives.Sigmoid(row.Slice(3 * hidden, hidden), row.Slice(3 * hidden, hidden));
                var o = output.Slice(b * hidden, hidden);
                if (lengths is not null && t >= lengths[b])
                {
                    // past its length a row keeps its state and outputs zero
                    o.Clear();
                    cellTanh.Slice(b * hidden, hidden).Clear();
                    continue;
                }
                var i = row.Slice(0, hidden);
                var f = row.Slice(hidden, hidden);
                var g = row.Slice(2 * hidden, hidden);
                var og = row.Slice(3 * hidden, hidden);
                var cb = c.Slice(b * hidden, hidden);
                var tc = cellTanh.Slice(b * hidden, hidden);
                // c' = f c + i g, h' = o tanh(c')
                TensorPrimitives.Multiply(f, cb, cb);
                TensorPrimitives.MultiplyAdd(i, g, cb, cb);
                UnaryKernels.Tanh<T>(cb, tc);
                TensorPrimitives.Multiply(og, tc, o);
                o.CopyTo(h.Slice(b * hidden, hidden));
            }
        }
    }

    /// <summary>
    /// Back-propagates <paramref name="upstream"/> [L + 2, N, H] (the packed result's gradient) through the recurrence:
    /// the gradients of the pre-activation gates (which are also those of the input gates) [L, N, 4H], and of h0 and c0
    /// [N, H]. The weight and bias gradients follow from <paramref name="gateGradients"/> (see <see cref="HiddenWeightGradients"/>).
    /// </summary>
    public static void LstmBackward<T>(int steps, int batch, int hidden,
        ReadOnlySpan<T> weightHH, int[]? lengths, bool reverse, LstmTape<T> tape, ReadOnlySpan<T> upstream,
        Span<T> gateGradients, Span<T> dh0, Span<T> dc0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int h4 = 4 * hidden, state = batch * hidden;
        // dh and dc: the gradients of the state after the step being processed
        var dh = dh0;
        var dc = dc0;
        upstream.Slice(steps * state, state).CopyTo(dh);
        upstream.Slice((steps + 1) * state, state).CopyTo(dc);
        var previous = Buffers.Uninitialized<T>(state);
        for (int s = steps - 1; s >= 0; s--)
        {
            int t = reverse ? steps - 1 - s : s;
            var gates = tape.Gates.AsSpan(t * batch * h4, batch * h4);
            var dGates = gateGradients.Slice(t * batch * h4, batch * h4);
            var cellTanh = tape.CellTanh.AsSpan(t * state, state);
            var cellBefore = tape.CellBefore.AsSpan(t * state, state);
            var dOut = upstream.Slice(t * state, state);
            for (int b = 0; b < batch; b++)
            {
                var dRow = dGates.Slice(b * h4, h4);
                if (lengths is not null && t >= lengths[b])
                {
                    // the state passed through unchanged and the output was zero
                    dRow.Clear();
                    continue;
                }
                int r = b * hidden;
                int j = 0;
                if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
                {
                    var one = Vector<T>.One;
                    var row = gates.Slice(b * h4, h4);
                    for (; j <= hidden - Vector<T>.Count; j += Vector<T>.Count)
                    {
                        var i = new Vector<T>(row.Slice(j));
                        var f = new Vector<T>(row.Slice(hidden + j));
                        var g = new Vector<T>(row.Slice(2 * hidden + j));
                        var o = new Vector<T>(row.Slice(3 * hidden + j));
                        var tc = new Vector<T>(cellTanh.Slice(r + j));
                        var dhj = new Vector<T>(dh.Slice(r + j)) + new Vector<T>(dOut.Slice(r + j));
                        var dcj = new Vector<T>(dc.Slice(r + j)) + dhj * o * (one - tc * tc);
                        (dcj * g * i * (one - i)).CopyTo(dRow.Slice(j));
                        (dcj * new Vector<T>(cellBefore.Slice(r + j)) * f * (one - f)).CopyTo(dRow.Slice(hidden + j));
                        (dcj * i * (one - g * g)).CopyTo(dRow.Slice(2 * hidden + j));
                        (dhj * tc * o * (one - o)).CopyTo(dRow.Slice(3 * hidden + j));
                        (dcj * f).CopyTo(dc.Slice(r + j));
                    }
                }
                for (; j < hidden; j++)
                {
                    T i = gates[b * h4 + j], f = gates[b * h4 + hidden + j], g = gates[b * h4 + 2 * hidden + j], o = gates[b * h4 + 3 * hidden + j];
                    T tc = cellTanh[r + j];
                    T dhj = dh[r + j] + dOut[r + j];
                    T dcj = dc[r + j] + dhj * o * (T.One - tc * tc);
                    dRow[j] = dcj * g * i * (T.One - i);
                    dRow[hidden + j] = dcj * cellBefore[r + j] * f * (T.One - f);
                    dRow[2 * hidden + j] = dcj * i * (T.One - g * g);
                    dRow[3 * hidden + j] = dhj * tc * o * (T.One - o);
                    dc[r + j] = dcj * f;
                }
            }
            // dh_before = dGates W_hh for running rows; a row past its length passes its dh (and dc) through
            Gemm.RowMajor(false, false, batch, hidden, h4, T.One, (ReadOnlySpan<T>)dGates, weightHH, T.Zero, previous.AsSpan(0, state));
            for (int b = 0; b < batch; b++)
                if (lengths is null || t < lengths[b])
                    previous.AsSpan(b * hidden, hidden).CopyTo(dh.Slice(b * hidden, hidden));
        }
    }

    /// <summary>
    /// Runs the GRU recurrence (PyTorch's gates r, z, n): with a = W_ih x_t + b_ih and b = W_hh h + b_hh, r = σ(a_r + b_r),
    /// z = σ(a_z + b_z), n = tanh(a_n + r b_n), h' = (1 - z) n + z h. <paramref name="packed"/> [L + 1, N, H] receives
    /// the outputs (zero past a row's length) and then the final hidden state.
    /// </summary>
    public static void GruForward<T>(int steps, int batch, int hidden,
        ReadOnlySpan<T> inputGates, ReadOnlySpan<T> weightHH, ReadOnlySpan<T> biasHH, ReadOnlySpan<T> h0,
        int[]? lengths, bool reverse, GruTape<T> tape, Span<T> packed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int h3 = 3 * hidden, state = batch * hidden;
        var h = packed.Slice(steps * state, state);
        h0.CopyTo(h);
        var projection = Buffers.Uninitialized<T>(batch * h3);
        for (int s = 0; s < steps; s++)
        {
            int t = reverse ? steps - 1 - s : s;
            h.CopyTo(tape.HiddenBefore.AsSpan(t * state, state));
            // b = W_hh h + b_hh
            var gh = projection.AsSpan(0, batch * h3);
            if (biasHH.IsEmpty) gh.Clear();
            else for (int b = 0; b < batch; b++) biasHH.CopyTo(gh.Slice(b * h3, h3));
            Gemm.RowMajor(false, true, batch, h3, hidden, T.One, (ReadOnlySpan<T>)h, weightHH, T.One, gh);
            var gates = tape.Gates.AsSpan(t * batch * h3, batch * h3);
            var gi = inputGates.Slice(t * batch * h3, batch * h3);
            var output = packed.Slice(t * state, state);
            for (int b = 0; b < batch; b++)
            {
                var row = gates.Slice(b * h3, h3);
                var ghRow = gh.Slice(b * h3, h3);
                var giRow = gi.Slice(b * h3, h3);
                // r, z = σ(a + b) over the first 2H; n = tanh(a_n + r b_n)
                TensorPrimitives.Add(giRow.Slice(0, 2 * hidden), ghRow.Slice(0, 2 * hidden), row.Slice(0, 2 * hidden));
                TensorPrimitives.Sigmoid(row.Slice(0, 2 * hidden), row.Slice(0, 2 * hidden));
                var n = row.Slice(2 * hidden, hidden);
                ghRow.Slice(2 * hidden, hidden).CopyTo(tape.HiddenN.AsSpan(t * state + b * hidden, hidden));
                TensorPrimitives.MultiplyAdd(row.Slice(0, hidden), ghRow.Slice(2 * hidden, hidden), giRow.Slice(2 * hidden, hidden), n);
                UnaryKernels.Tanh<T>(n, n);
                var o = output.Slice(b * hidden, hidden);
                if (lengths is not null && t >= lengths[b])
                {
                    o.Clear();
                    continue;
                }
                // h' = n + z (h - n)
                var hb = h.Slice(b * hidden, hidden);
                TensorPrimitives.Subtract(hb, n, o);
                TensorPrimitives.MultiplyAdd(o, row.Slice(hidden, hidden), n, o);
                o.CopyTo(hb);
            }
        }
    }

    /// <summary>
    /// Back-propagates <paramref name="upstream"/> [L + 1, N, H] through the GRU recurrence: the gradients of the input
    /// gates [L, N, 3H], of the hidden projection W_hh h + b_hh [L, N, 3H] (for the weight and bias gradients, see
    /// <see cref="HiddenWeightGradients"/>) and of h0 [N, H].
    /// </summary>
    public static void GruBackward<T>(int steps, int batch, int hidden,
        ReadOnlySpan<T> weightHH, int[]? lengths, bool reverse, GruTape<T> tape, ReadOnlySpan<T> upstream,
        Span<T> inputGateGradients, Span<T> hiddenGateGradients, Span<T> dh0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int h3 = 3 * hidden, state = batch * hidden;
        var dh = dh0;
        upstream.Slice(steps * state, state).CopyTo(dh);
        var previous = Buffers.Uninitialized<T>(state);
        for (int s = steps - 1; s >= 0; s--)
        {
            int t = reverse ? steps - 1 - s : s;
            var gates = tape.Gates.AsSpan(t * batch * h3, batch * h3);
            var dGi = inputGateGradients.Slice(t * batch * h3, batch * h3);
            var dGh = hiddenGateGradients.Slice(t * batch * h3, batch * h3);
            var hiddenN = tape.HiddenN.AsSpan(t * state, state);
            var before = tape.HiddenBefore.AsSpan(t * state, state);
            var dOut = upstream.Slice(t * state, state);
            for (int b = 0; b < batch; b++)
            {
                var gi = dGi.Slice(b * h3, h3);
                var gh = dGh.Slice(b * h3, h3);
                if (lengths is not null && t >= lengths[b])
                {
                    gi.Clear();
                    gh.Clear();
                    continue;
                }
                int r0 = b * hidden;
                for (int j = 0; j < hidden; j++)
                {
                    T r = gates[b * h3 + j], z = gates[b * h3 + hidden + j], n = gates[b * h3 + 2 * hidden + j];
                    T d = dh[r0 + j] + dOut[r0 + j];
                    T dn = d * (T.One - z) * (T.One - n * n);
                    T dz = d * (before[r0 + j] - n) * z * (T.One - z);
                    T dr = dn * hiddenN[r0 + j] * r * (T.One - r);
                    gi[j] = dr;
                    gi[hidden + j] = dz;
                    gi[2 * hidden + j] = dn;
                    gh[j] = dr;
                    gh[hidden + j] = dz;
                    gh[2 * hidden + j] = dn * r;
                    dh[r0 + j] = d * z;
                }
            }
            // dh_before = d z + dGh W_hh for running rows; a row past its length passes dh through
            Gemm.RowMajor(false, false, batch, hidden, h3, T.One, (ReadOnlySpan<T>)dGh, weightHH, T.Zero, previous.AsSpan(0, state));
            for (int b = 0; b < batch; b++)
                if (lengths is null || t < lengths[b])
                    TensorPrimitives.Add(dh.Slice(b * hidden, hidden), previous.AsSpan(b * hidden, hidden), dh.Slice(b * hidden, hidden));
        }
    }

    /// <summary>
    /// dW_hh [G·H, H] = Σ_t dGates[t]ᵀ h_{t-1} (one GEMM over all steps) and, when <paramref name="dBias"/> is not empty,
    /// db_hh = the column sums of dGates [L·N, G·H]: the hidden weight gradients of a recurrence with G gate blocks.
    /// </summary>
    public static void HiddenWeightGradients<T>(int rows, int gateWidth, int hidden, ReadOnlySpan<T> gateGradients, ReadOnlySpan<T> hiddenBefore,
        Span<T> dWeight, Span<T> dBias)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Gemm.RowMajor(true, false, gateWidth, hidden, rows, T.One, gateGradients, hiddenBefore, T.Zero, dWeight);
        if (dBias.IsEmpty) return;
        dBias.Clear();
        for (int r = 0; r < rows; r++) TensorPrimitives.Add(dBias, gateGradients.Slice(r * gateWidth, gateWidth), dBias);
    }
}
