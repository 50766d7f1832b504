using System;
using Corgi.Kernels;

namespace Corgi;

// Recurrences over a whole sequence, fused into one op each.
public sealed partial class Tensor
{
    /// <summary>
    /// The LSTM recurrence over a whole sequence as one op, gates stacked i, f, g, o as in PyTorch: for each step t,
    /// a = inputGates[t] + h W_hhᵀ + b_hh, c' = σ(a_f) ⊙ c + σ(a_i) ⊙ tanh(a_g), h' = σ(a_o) ⊙ tanh(c').
    /// <c>Lstm</c> and <c>LstmCell</c> run on it; the input projection W_ih x + b_ih is one product over all steps, done before.
    /// </summary>
    /// <param name="inputGates">W_ih x_t + b_ih for every step, [L, N, 4H] (L &gt;= 1).</param>
    /// <param name="weightHH">W_hh, [4H, H].</param>
    /// <param name="biasHH">b_hh, [4H], or null.</param>
    /// <param name="hidden">The initial hidden state h_0, [N, H].</param>
    /// <param name="cell">The initial cell state c_0, [N, H].</param>
    /// <param name="reverse">Run from step L-1 down to 0 (a bidirectional layer's second direction).</param>
    /// <param name="lengths">Per batch row, how many steps it has (1..L): past its length a row keeps its state and
    /// outputs zeros, in either direction; null when every row has L.</param>
    /// <returns>The outputs h_t [L, N, H] (in step order), and the final hidden and cell states [N, H].</returns>
    /// <exception cref="TensorShapeException">The shapes do not fit together.</exception>
    /// <exception cref="ArgumentException">The dtypes differ, or a length is outside 1..L.</exception>
    /// <remarks>
    /// One GEMM per step for the hidden projection and one pass over the gates forward and backward, instead of ~17
    /// tensor ops per step; the weight gradient is one product over all steps. The derivative is a fused kernel; in a
    /// backward pass that records its own graph (<c>createGraph</c>) it is the same recurrence written with tensor ops
    /// (<see cref="LstmRecurrenceComposite"/>) and differentiated, so second derivatives work.
    /// </remarks>
    public static (Tensor Output, Tensor Hidden, Tensor Cell) LstmRecurrence(Tensor inputGates, Tensor weightHH, Tensor? biasHH,
        Tensor hidden, Tensor cell, bool reverse = false, int[]? lengths = null)
    {
        var (steps, batch, size) = CheckRecurrence("lstm_recurrence", 4, inputGates, weightHH, biasHH, hidden, cell, lengths);
        var inputs = biasHH is null
            ? new[] { inputGates, weightHH, hidden, cell }
            : new[] { inputGates, weightHH, biasHH, hidden, cell };
        var lens = lengths is null ? null : (int[])lengths.Clone();
        var packed = inputGates._dtype == DType.Float32
            ? LstmPacked<float>(inputs, steps, batch, size, reverse, lens)
            : LstmPacked<double>(inputs, steps, batch, size, reverse, lens);
        return (packed.Narrow(0, 0, steps),
            packed.Narrow(0, steps, 1).Reshape(batch, size),
            packed.Narrow(0, steps + 1, 1).Reshape(batch, size));
    }

    /// <summary>The fused op: [L + 2, N, H] holding the outputs, then the final hidden and cell states.</summary>
    private static Tensor LstmPacked<T>(Tensor[] inputs, int steps, int batch, int size, bool reverse, int[]? lengths)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        bool bias = inputs.Length == 5;
        var weight = inputs[1];
        var tape = new LstmTape<T>(steps, batch, size);
        var data = Buffers.Uninitialized<T>(checked((steps + 2) * batch * size));
        RecurrentKernels.LstmForward<T>(steps, batch, size, inputs[0].Values<T>(), weight.Values<T>(),
            bias ? inputs[2].Values<T>() : ReadOnlySpan<T>.Empty, inputs[^2].Values<T>(), inputs[^1].Values<T>(),
            lengths, reverse, tape, data);
        return FusedResult("lstm", data, new[] { steps + 2, batch, size }, inputs, g =>
        {
            var gates = Buffers.Uninitialized<T>(steps * batch * 4 * size);
            var dh0 = Buffers.Uninitialized<T>(batch * size);
            var dc0 = Buffers.Uninitialized<T>(batch * size);
            RecurrentKernels.LstmBackward<T>(steps, batch, size, weight.Values<T>(), lengths, reverse, tape,
                g.Values<T>(), gates, dh0, dc0);
            var grads = new Tensor?[inputs.Length];
            var dGates = new Tensor(gates, new[] { steps, batch, 4 * size });
            grads[0] = dGates;
            if (weight._tracked || (bias && inputs[2]._tracked))
            {
                var dw = Buffers.Uninitialized<T>(4 * size * size);
                var db = bias ? Buffers.Uninitialized<T>(4 * size) : Array.Empty<T>();
                RecurrentKernels.HiddenWeightGradients<T>(steps * batch, 4 * size, size, gates, tape.HiddenBefore, dw, db);
                grads[1] = new Tensor(dw, new[] { 4 * size, size });
                if (bias) grads[2] = new Tensor(db, new[] { 4 * size });
            }
            grads[^2] = new Tensor(dh0, new[] { batch, size });
            grads[^1] = new Tensor(dc0, new[] { batch, size });
            return grads;
        }, xs => LstmRecurrenceComposite(xs, steps, batch, size, reverse, lengths));
    }

    /// <summary>
    /// The LSTM recurrence written with tensor ops, packed as the fused op's result ([L + 2, N, H]): the definition the
    /// fused kernels implement, differentiated in backward passes that record their graph.
    /// </summary>
    internal static Tensor LstmRecurrenceComposite(Tensor[] inputs, int steps, int batch, int size, bool reverse, int[]? lengths)
    {
        var inputGates = inputs[0];
        var weight = inputs[1];
        var bias = inputs.Length == 5 ? inputs[2] : null;
        var h = inputs[^2];
        var c = inputs[^1];
        var dtype = inputGates._dtype;
        var outputs = new Tensor[steps];
        for (int s = 0; s < steps; s++)
        {
            int t = reverse ? steps - 1 - s : s;
            var a = inputGates.Narrow(0, t, 1).Reshape(batch, 4 * size) + h.MatMul(weight, transposeOther: true, bias: bias);
            var i = a.Narrow(1, 0, size).Sigmoid();
            var f = a.Narrow(1, size, size).Sigmoid();
            var g = a.Narrow(1, 2 * size, size).Tanh();
            var o = a.Narrow(1, 3 * size, size).Sigmoid();
            var c1 = f * c + i * g;
            var h1 = o * c1.Tanh();
            if (lengths is null)
            {
                (h, c) = (h1, c1);
                outputs[t] = h1;
            }
            else
            {
                var (keep, drop) = KeepAndDrop(lengths, t, batch, dtype);
                h = h1 * keep + h * drop;
                c = c1 * keep + c * drop;
                outputs[t] = h1 * keep;
            }
        }
        return Concat(new[] { Stack(outputs, 0), h.Unsqueeze(0), c.Unsqueeze(0) }, 0);
    }

    /// <summary>
    /// The GRU recurrence over a whole sequence as one op, gates stacked r, z, n as in PyTorch: for each step t, with
    /// a = inputGates[t] and b = h W_hhᵀ + b_hh, r = σ(a_r + b_r), z = σ(a_z + b_z), n = tanh(a_n + r ⊙ b_n),
    /// h' = (1 - z) ⊙ n + z ⊙ h. <c>Gru</c> and <c>GruCell</c> run on it.
    /// </summary>
    /// <param name="inputGates">W_ih x_t + b_ih for every step, [L, N, 3H] (L &gt;= 1).</param>
    /// <param name="weightHH">W_hh, [3H, H].</param>
    /// <param name="biasHH">b_hh, [3H], or null.</param>
    /// <param name="hidden">The initial hidden state h_0, [N, H].</param>
    /// <param name="reverse">Run from step L-1 down to 0.</param>
    /// <param name="lengths">Per batch row, how many steps it has (1..L): past its length a row keeps its state and
    /// outputs zeros; null when every row has L.</param>
    /// <returns>The outputs h_t [L, N, H] (in step order) and the final hidden state [N, H].</returns>
    /// <exception cref="TensorShapeException">The shapes do not fit together.</exception>
    /// <exception cref="ArgumentException">The dtypes differ, or a length is outside 1..L.</exception>
    /// <remarks>As <see cref="LstmRecurrence"/>: one GEMM per step each way, kernels for the gates, and the tensor-op
    /// definition (<see cref="GruRecurrenceComposite"/>) differentiated when a backward pass records its graph.</remarks>
    public static (Tensor Output, Tensor Hidden) GruRecurrence(Tensor inputGates, Tensor weightHH, Tensor? biasHH, Tensor hidden,
        bool reverse = false, int[]? lengths = null)
    {
        var (steps, batch, size) = CheckRecurrence("gru_recurrence", 3, inputGates, weightHH, biasHH, hidden, hidden, lengths);
        var inputs = biasHH is null ? new[] { inputGates, weightHH, hidden } : new[] { inputGates, weightHH, biasHH, hidden };
        var lens = lengths is null ? null : (int[])lengths.Clone();
        var packed = inputGates._dtype == DType.Float32
            ? GruPacked<float>(inputs, steps, batch, size, reverse, lens)
            : GruPacked<double>(inputs, steps, batch, size, reverse, lens);
        return (packed.Narrow(0, 0, steps), packed.Narrow(0, steps, 1).Reshape(batch, size));
    }

    /// <summary>The fused op: [L + 1, N, H] holding the outputs, then the final hidden state.</summary>
    private static Tensor GruPacked<T>(Tensor[] inputs, int steps, int batch, int size, bool reverse, int[]? lengths)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        bool bias = inputs.Length == 4;
        var weight = inputs[1];
        var tape = new GruTape<T>(steps, batch, size);
        var data = Buffers.Uninitialized<T>(checked((steps + 1) * batch * size));
        RecurrentKernels.GruForward<T>(steps, batch, size, inputs[0].Values<T>(), weight.Values<T>(),
            bias ? inputs[2].Values<T>() : ReadOnlySpan<T>.Empty, inputs[^1].Values<T>(), lengths, reverse, tape, data);
        return FusedResult("gru", data, new[] { steps + 1, batch, size }, inputs, g =>
        {
            var dGi = Buffers.Uninitialized<T>(steps * batch * 3 * size);
            var dGh = Buffers.Uninitialized<T>(steps * batch * 3 * size);
            var dh0 = Buffers.Uninitialized<T>(batch * size);
            RecurrentKernels.GruBackward<T>(steps, batch, size, weight.Values<T>(), lengths, reverse, tape, g.Values<T>(), dGi, dGh, dh0);
            var grads = new Tensor?[inputs.Length];
            grads[0] = new Tensor(dGi, new[] { steps, batch, 3 * size });
            if (weight._tracked || (bias && inputs[2]._tracked))
            {
                var dw = Buffers.Uninitialized<T>(3 * size * size);
                var db = bias ? Buffers.Uninitialized<T>(3 * size) : Array.Empty<T>();
                RecurrentKernels.HiddenWeightGradients<T>(steps * batch, 3 * size, size, dGh, tape.HiddenBefore, dw, db);
                grads[1] = new Tensor(dw, new[] { 3 * size, size });
                if (bias) grads[2] = new Tensor(db, new[] { 3 * size });
            }
            grads[^1] = new Tensor(dh0, new[] { batch, size });
            return grads;
        }, xs => GruRecurrenceComposite(xs, steps, batch, size, reverse, lengths));
    }

    /// <summary>The GRU recurrence written with tensor ops, packed as the fused op's result ([L + 1, N, H]).</summary>
    internal static Tensor GruRecurrenceComposite(Tensor[] inputs, int steps, int batch, int size, bool reverse, int[]? lengths)
    {
        var inputGates = inputs[0];
        var weight = inputs[1];
        var bias = inputs.Length == 4 ? inputs[2] : null;
        var h = inputs[^1];
        var outputs = new Tensor[steps];
        for (int s = 0; s < steps; s++)
        {
            int t = reverse ? steps - 1 - s : s;
            var a = inputGates.Narrow(0, t, 1).Reshape(batch, 3 * size);
            var b = h.MatMul(weight, transposeOther: true, bias: bias);
            var r = (a.Narrow(1, 0, size) + b.Narrow(1, 0, size)).Sigmoid();
            var z = (a.Narrow(1, size, size) + b.Narrow(1, size, size)).Sigmoid();
            var n = (a.Narrow(1, 2 * size, size) + r * b.Narrow(1, 2 * size, size)).Tanh();
            var h1 = n + z * (h - n);
            if (lengths is null)
            {
                h = h1;
                outputs[t] = h1;
            }
            else
            {
                var (keep, drop) = KeepAndDrop(lengths, t, batch, inputGates._dtype);
                h = h1 * keep + h * drop;
                outputs[t] = h1 * keep;
            }
        }
        return Concat(new[] { Stack(outputs, 0), h.Unsqueeze(0) }, 0);
    }

    /// <summary>[N, 1] masks of the rows still running at step t (1) and of those past their length (1).</summary>
    private static (Tensor Keep, Tensor Drop) KeepAndDrop(int[] lengths, int t, int batch, DType dtype)
    {
        var keepValues = new double[batch];
        for (int b = 0; b < batch; b++) keepValues[b] = t < lengths[b] ? 1 : 0;
        var keep = FromArray(new[] { batch, 1 }, keepValues, dtype);
        return (keep, Scalar(1, dtype) - keep);
    }

    /// <summary>Checks a recurrence's inputs (<paramref name="gates"/> blocks of H; an RNN without a cell passes its hidden state twice).</summary>
    private static (int Steps, int Batch, int Size) CheckRecurrence(string op, int gates, Tensor inputGates, Tensor weightHH, Tensor? biasHH,
        Tensor hidden, Tensor cell, int[]? lengths)
    {
        ArgumentNullException.ThrowIfNull(inputGates);
        ArgumentNullException.ThrowIfNull(weightHH);
        ArgumentNullException.ThrowIfNull(hidden);
        ArgumentNullException.ThrowIfNull(cell);
        string Shapes() =>
            $"input gates {ShapeUtil.Format(inputGates._shape)}, W_hh {ShapeUtil.Format(weightHH._shape)}"
            + (biasHH is null ? "" : $", b_hh {ShapeUtil.Format(biasHH._shape)}")
            + $", h0 {ShapeUtil.Format(hidden._shape)}" + (ReferenceEquals(hidden, cell) ? "" : $", c0 {ShapeUtil.Format(cell._shape)}");
        if (weightHH.Rank != 2 || weightHH._shape[1] < 1 || weightHH._shape[0] != gates * weightHH._shape[1])
            throw new TensorShapeException($"{op}: W_hh must be [{gates}H, H] with H >= 1 ({Shapes()})");
        int size = weightHH._shape[1];
        if (inputGates.Rank != 3 || inputGates._shape[2] != gates * size || inputGates._shape[0] < 1)
            throw new TensorShapeException($"{op}: the input gates must be [L, N, {gates}H] = [L, N, {gates * size}] with L >= 1 ({Shapes()})");
        int steps = inputGates._shape[0], batch = inputGates._shape[1];
        if (biasHH is not null && (biasHH.Rank != 1 || biasHH._shape[0] != gates * size))
            throw new TensorShapeException($"{op}: b_hh must be [{gates * size}] ({Shapes()})");
        foreach (var s in new[] { hidden, cell })
            if (s.Rank != 2 || s._shape[0] != batch || s._shape[1] != size)
                throw new TensorShapeException($"{op}: the states must be [N, H] = [{batch}, {size}] ({Shapes()})");
        foreach (var t in new[] { weightHH, biasHH, hidden, cell })
            if (t is not null && t._dtype != inputGates._dtype)
                throw new ArgumentException(
                    $"{op}: every input must have the input gates' dtype {inputGates._dtype.Name()}, but one is {t._dtype.Name()} ({Shapes()})");
        if (lengths is not null)
        {
            if (lengths.Length != batch)
                throw new ArgumentException($"{op}: {lengths.Length} lengths for a batch of {batch} ({Shapes()})", nameof(lengths));
            foreach (int len in lengths)
                if (len < 1 || len > steps)
                    throw new ArgumentOutOfRangeException(nameof(lengths), $"{op}: a length of {len} is outside [1, {steps}] ({Shapes()})");
        }
        return (steps, batch, size);
    }
}
