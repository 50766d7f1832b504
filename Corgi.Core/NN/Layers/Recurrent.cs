using System;
using System.Collections.Generic;
using System.Linq;

namespace Corgi.NN;

/// <summary>The nonlinearity of a plain <see cref="Rnn"/>: h' = f(W_ih x + b_ih + W_hh h + b_hh).</summary>
public enum RnnNonlinearity
{
    /// <summary>tanh (PyTorch's default).</summary>
    Tanh,

    /// <summary>max(0, ·).</summary>
    Relu,
}

/// <summary>
/// What a recurrent layer returns: the output sequence (the last layer's hidden state at every step, both
/// directions concatenated), and the final hidden (and, for an LSTM, cell) state of every layer and direction.
/// </summary>
/// <param name="Output">[L, N, D·H], or [N, L, D·H] batch-first; zeros past a sequence's length.</param>
/// <param name="Hidden">h_n [layers·D, N, H], ordered layer 0 forward, layer 0 reverse, layer 1 forward, ...; a sequence's
/// forward state is the one after its last (length − 1) element.</param>
/// <param name="Cell">c_n of the same shape for an LSTM, else null.</param>
public sealed record RecurrentOutput(Tensor Output, Tensor Hidden, Tensor? Cell);

/// <summary>
/// The weights of one recurrent cell in PyTorch's layout: W_ih [G·H, in], W_hh [G·H, H], b_ih [G·H], b_hh [G·H],
/// with G gate blocks stacked in rows (LSTM: i, f, g, o; GRU: r, z, n; RNN: one). Initialized uniform in
/// ±1/sqrt(H) by default, as PyTorch.
/// </summary>
public abstract class RecurrentCell : ILayer
{
    private readonly Parameter[] _parameters;

    private protected RecurrentCell(string kind, int gates, int inputSize, int hiddenSize, bool bias, Initializer? initializer, DType? dtype, string suffix)
    {
        LayerChecks.Positive(inputSize, nameof(inputSize), kind);
        LayerChecks.Positive(hiddenSize, nameof(hiddenSize), kind);
        Kind = kind;
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        var init = initializer ?? new FanInUniformInitializer();
        var dt = dtype ?? Tensor.DefaultDType;
        int rows = gates * hiddenSize;
        // PyTorch's bound 1/sqrt(H) for every weight and bias: fan-in H
        WeightIH = new Parameter("weight_ih" + suffix, init.Create(new[] { rows, inputSize }, hiddenSize, rows, dt));
        WeightHH = new Parameter("weight_hh" + suffix, init.Create(new[] { rows, hiddenSize }, hiddenSize, rows, dt));
        if (bias)
        {
            BiasIH = new Parameter("bias_ih" + suffix, init.Create(new[] { rows }, hiddenSize, rows, dt));
            BiasHH = new Parameter("bias_hh" + suffix, init.Create(new[] { rows }, hiddenSize, rows, dt));
            _parameters = new[] { WeightIH, WeightHH, BiasIH, BiasHH };
        }
        else _parameters = new[] { WeightIH, WeightHH };
    }

    /// <summary>The cell's name in errors ("lstm_cell").</summary>
    private protected string Kind { get; }

    /// <summary>Features of an input step.</summary>
    public int InputSize { get; }

    /// <summary>H, features of the hidden state.</summary>
    public int HiddenSize { get; }

    /// <summary>W_ih [G·H, in].</summary>
    public Parameter WeightIH { get; }

    /// <summary>W_hh [G·H, H].</summary>
    public Parameter WeightHH { get; }

    /// <summary>b_ih [G·H], or null without bias.</summary>
    public Parameter? BiasIH { get; }

    /// <summary>b_hh [G·H], or null without bias.</summary>
    public Parameter? BiasHH { get; }

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>One step from a zero state: h' for x [N, in].</summary>
    public abstract Tensor Forward(Tensor input);

    /// <summary>W_ih x + b_ih for x [..., in]: the input's part of every step, computed for a whole sequence at once.</summary>
    internal Tensor InputProjection(Tensor x) => x.MatMul(WeightIH.Value, transposeOther: true, bias: BiasIH?.Value);

    /// <summary>W_hh h + b_hh.</summary>
    private protected Tensor HiddenProjection(Tensor h) => h.MatMul(WeightHH.Value, transposeOther: true, bias: BiasHH?.Value);

    /// <summary>One step from the input projection gi = W_ih x + b_ih: the new hidden state and (LSTM) cell state.</summary>
    internal abstract (Tensor Hidden, Tensor? Cell) Step(Tensor gi, Tensor h, Tensor? c);


    private protected Tensor Zeros(int batch) => Tensor.Zeros(new[] { batch, HiddenSize }, WeightHH.Value.DType);

    private protected void CheckStep(Tensor x, Tensor? h, Tensor? c)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank != 2 || x.ShapeSpan[1] != InputSize)
            throw new TensorShapeException($"{Kind}: the input of shape {LayerChecks.Shape(x)} must be [N, {InputSize}]");
        int n = x.ShapeSpan[0];
        foreach (var (s, name) in new[] { (h, "hidden"), (c, "cell") })
            if (s is not null && (s.Rank != 2 || s.ShapeSpan[0] != n || s.ShapeSpan[1] != HiddenSize))
                throw new TensorShapeException($"{Kind}: the {name} state of shape {LayerChecks.Shape(s)} must be [{n}, {HiddenSize}] for the input of shape {LayerChecks.Shape(x)}");
    }
}

/// <summary>
/// An Elman RNN cell (PyTorch's <c>nn.RNNCell</c>): h' = f(W_ih x + b_ih + W_hh h + b_hh), f = tanh or relu.
/// </summary>
/// <example><c>var h1 = new RnnCell(3, 5).Forward(x, h0);</c> for x [N, 3], h0 [N, 5].</example>
public sealed class RnnCell : RecurrentCell
{
    /// <summary>Creates the cell.</summary>
    /// <param name="inputSize">Features of an input step.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="nonlinearity">tanh (default) or relu.</param>
    /// <param name="bias">Whether the cell has b_ih and b_hh.</param>
    /// <param name="initializer">Initializes weights and biases (fan-in H); null: uniform in ±1/sqrt(H).</param>
    /// <param name="dtype">The parameters' dtype; null means <see cref="Tensor.DefaultDType"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1.</exception>
    public RnnCell(int inputSize, int hiddenSize, RnnNonlinearity nonlinearity = RnnNonlinearity.Tanh, bool bias = true,
        Initializer? initializer = null, DType? dtype = null)
        : this(inputSize, hiddenSize, nonlinearity, bias, initializer, dtype, "") { }

    internal RnnCell(int inputSize, int hiddenSize, RnnNonlinearity nonlinearity, bool bias, Initializer? initializer, DType? dtype, string suffix)
        : base("rnn_cell", 1, inputSize, hiddenSize, bias, initializer, dtype, suffix) => Nonlinearity = nonlinearity;

    /// <summary>The nonlinearity.</summary>
    public RnnNonlinearity Nonlinearity { get; }

    /// <summary>One step: h' for x [N, in] and h [N, H] (null: zeros).</summary>
    /// <exception cref="TensorShapeException">The shapes do not fit the cell.</exception>
    public Tensor Forward(Tensor input, Tensor? hidden)
    {
        CheckStep(input, hidden, null);
        return Step(InputProjection(input), hidden ?? Zeros(input.ShapeSpan[0]), null).Hidden;
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Forward(input, null);

    internal override (Tensor Hidden, Tensor? Cell) Step(Tensor gi, Tensor h, Tensor? c)
    {
        var pre = gi + HiddenProjection(h);
        return (Nonlinearity == RnnNonlinearity.Tanh ? pre.Tanh() : pre.Relu(), null);
    }

    /// <inheritdoc/>
    public override string ToString() => $"RnnCell({InputSize}, {HiddenSize}, {Nonlinearity})";
}

/// <summary>
/// A long short-term memory cell (PyTorch's <c>nn.LSTMCell</c>), gates stacked i, f, g, o:
/// i = σ(·), f = σ(·), g = tanh(·), o = σ(·) of W_ih x + b_ih + W_hh h + b_hh; c' = f ⊙ c + i ⊙ g; h' = o ⊙ tanh(c').
/// </summary>
/// <example><c>var (h1, c1) = new LstmCell(3, 5).Forward(x, h0, c0);</c></example>
public sealed class LstmCell : RecurrentCell
{
    /// <summary>Creates the cell.</summary>
    /// <param name="inputSize">Features of an input step.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="bias">Whether the cell has b_ih and b_hh.</param>
    /// <param name="initializer">Initializes weights and biases (fan-in H); null: uniform in ±1/sqrt(H).</param>
    /// <param name="dtype">The parameters' dtype; null means <see cref="Tensor.DefaultDType"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1.</exception>
    public LstmCell(int inputSize, int hiddenSize, bool bias = true, Initializer? initializer = null, DType? dtype = null)
        : this(inputSize, hiddenSize, bias, initializer, dtype, "") { }

    internal LstmCell(int inputSize, int hiddenSize, bool bias, Initializer? initializer, DType? dtype, string suffix)
        : base("lstm_cell", 4, inputSize, hiddenSize, bias, initializer, dtype, suffix) { }

    /// <summary>One step: (h', c') for x [N, in], h and c [N, H] (null: zeros).</summary>
    /// <exception cref="TensorShapeException">The shapes do not fit the cell.</exception>
    public (Tensor Hidden, Tensor Cell) Forward(Tensor input, Tensor? hidden, Tensor? cell)
    {
        CheckStep(input, hidden, cell);
        int n = input.ShapeSpan[0];
        var (h, c) = Step(InputProjection(input), hidden ?? Zeros(n), cell ?? Zeros(n));
        return (h, c!);
    }

    /// <summary>h' of one step from zero states.</summary>
    public override Tensor Forward(Tensor input) => Forward(input, null, null).Hidden;

    internal override (Tensor Hidden, Tensor? Cell) Step(Tensor gi, Tensor h, Tensor? c)
    {
        var (_, h1, c1) = Recurrence(gi.Unsqueeze(0), h, c!, false, null);
        return (h1, c1);
    }

    /// <summary>The fused recurrence (<see cref="Tensor.LstmRecurrence"/>) over input gates [L, N, 4H] from (h, c).</summary>
    internal (Tensor Output, Tensor Hidden, Tensor Cell) Recurrence(Tensor gi, Tensor h, Tensor c, bool reverse, int[]? lengths) =>
        Tensor.LstmRecurrence(gi, WeightHH.Value, BiasHH?.Value, h, c, reverse, lengths);

    /// <inheritdoc/>
    public override string ToString() => $"LstmCell({InputSize}, {HiddenSize})";
}

/// <summary>
/// A gated recurrent unit cell (PyTorch's <c>nn.GRUCell</c>), gates stacked r, z, n:
/// r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz),
/// n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), h' = (1 − z) ⊙ n + z ⊙ h.
/// </summary>
/// <example><c>var h1 = new GruCell(3, 5).Forward(x, h0);</c></example>
public sealed class GruCell : RecurrentCell
{
    /// <summary>Creates the cell.</summary>
    /// <param name="inputSize">Features of an input step.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="bias">Whether the cell has b_ih and b_hh.</param>
    /// <param name="initializer">Initializes weights and biases (fan-in H); null: uniform in ±1/sqrt(H).</param>
    /// <param name="dtype">The parameters' dtype; null means <see cref="Tensor.DefaultDType"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1.</exception>
    public GruCell(int inputSize, int hiddenSize, bool bias = true, Initializer? initializer = null, DType? dtype = null)
        : this(inputSize, hiddenSize, bias, initializer, dtype, "") { }

    internal GruCell(int inputSize, int hiddenSize, bool bias, Initializer? initializer, DType? dtype, string suffix)
        : base("gru_cell", 3, inputSize, hiddenSize, bias, initializer, dtype, suffix) { }

    /// <summary>One step: h' for x [N, in] and h [N, H] (null: zeros).</summary>
    /// <exception cref="TensorShapeException">The shapes do not fit the cell.</exception>
    public Tensor Forward(Tensor input, Tensor? hidden)
    {
        CheckStep(input, hidden, null);
        return Step(InputProjection(input), hidden ?? Zeros(input.ShapeSpan[0]), null).Hidden;
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Forward(input, null);

    internal override (Tensor Hidden, Tensor? Cell) Step(Tensor gi, Tensor h, Tensor? c) =>
        (Recurrence(gi.Unsqueeze(0), h, false, null).Hidden, null);

    /// <summary>The fused recurrence (<see cref="Tensor.GruRecurrence"/>) over input gates [L, N, 3H] from h.</summary>
    internal (Tensor Output, Tensor Hidden) Recurrence(Tensor gi, Tensor h, bool reverse, int[]? lengths) =>
        Tensor.GruRecurrence(gi, WeightHH.Value, BiasHH?.Value, h, reverse, lengths);

    /// <inheritdoc/>
    public override string ToString() => $"GruCell({InputSize}, {HiddenSize})";
}

/// <summary>
/// A multi-layer, optionally bidirectional recurrent layer over a sequence, as PyTorch's <c>nn.RNN</c>/<c>nn.LSTM</c>/
/// <c>nn.GRU</c>: input [L, N, in] (or [N, L, in] batch-first), output [L, N, D·H] with D = 2 when bidirectional.
/// Layer k > 0 reads layer k − 1's output (dropout between layers while training). Variable-length batches: give
/// each sequence's length, and the state stops changing past it (the reverse direction starts at its last element),
/// the output there is zero, and the final states are each sequence's own.
/// </summary>
/// <remarks>
/// Parameter names follow PyTorch's state dict: <c>weight_ih_l0</c>, <c>weight_hh_l0</c>, <c>bias_ih_l0</c>,
/// <c>bias_hh_l0</c>, <c>weight_ih_l0_reverse</c>, ... The input's projection W_ih x + b_ih is one matrix product for
/// the whole sequence; each step then costs one product with W_hh.
/// </remarks>
public abstract class RecurrentLayer : ITrainingModeLayer
{
    private readonly RecurrentCell[] _cells;
    private readonly Parameter[] _parameters;
    private readonly Random _random;
    private readonly string _kind;

    private protected RecurrentLayer(string kind, int inputSize, int hiddenSize, int numLayers, bool batchFirst, double dropout,
        bool bidirectional, Random? random, Func<int, string, RecurrentCell> cell)
    {
        _kind = kind;
        LayerChecks.Positive(inputSize, nameof(inputSize), kind);
        LayerChecks.Positive(hiddenSize, nameof(hiddenSize), kind);
        LayerChecks.Positive(numLayers, nameof(numLayers), kind);
        LayerChecks.Probability(dropout, nameof(dropout), kind);
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        NumLayers = numLayers;
        BatchFirst = batchFirst;
        Dropout = dropout;
        Bidirectional = bidirectional;
        _random = random ?? new Random(Random.Shared.Next());
        int d = bidirectional ? 2 : 1;
        _cells = new RecurrentCell[numLayers * d];
        for (int l = 0; l < numLayers; l++)
            for (int k = 0; k < d; k++)
                _cells[l * d + k] = cell(l == 0 ? inputSize : d * hiddenSize, $"_l{l}{(k == 1 ? "_reverse" : "")}");
        _parameters = _cells.SelectMany(c => c.Parameters).ToArray();
    }

    /// <summary>Features of an input step.</summary>
    public int InputSize { get; }

    /// <summary>H, features of each direction's hidden state.</summary>
    public int HiddenSize { get; }

    /// <summary>The number of stacked layers.</summary>
    public int NumLayers { get; }

    /// <summary>Whether input and output are [N, L, ·] (else [L, N, ·]); the states are [layers·D, N, H] either way.</summary>
    public bool BatchFirst { get; }

    /// <summary>The dropout probability on every layer's output but the last, while training.</summary>
    public double Dropout { get; }

    /// <summary>Whether each layer also runs from the end of the sequence to its start.</summary>
    public bool Bidirectional { get; }

    /// <summary>The cells, layer 0 forward, layer 0 reverse, layer 1 forward, ...</summary>
    public IReadOnlyList<RecurrentCell> Cells => _cells;

    /// <inheritdoc/>
    public bool Training { get; set; } = true;

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>The output sequence from zero initial states (for <see cref="Sequential"/>).</summary>
    public Tensor Forward(Tensor input) => Run(input, null, null, null).Output;

    private protected RecurrentOutput Run(Tensor input, Tensor? h0, Tensor? c0, int[]? lengths)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank != 3 || input.ShapeSpan[2] != InputSize)
            throw new TensorShapeException($"{_kind}: the input of shape {LayerChecks.Shape(input)} must be {(BatchFirst ? "[N, L, " : "[L, N, ")}{InputSize}]");
        var seq = BatchFirst ? input.Transpose(0, 1) : input;
        int steps = seq.ShapeSpan[0], n = seq.ShapeSpan[1], d = Bidirectional ? 2 : 1, h = HiddenSize;
        var dtype = _cells[0].WeightHH.Value.DType;
        CheckState(h0, "initial hidden state", n, input);
        CheckState(c0, "initial cell state", n, input);
        var running = CheckLengths(lengths, steps, n, input);
        // the LSTM and GRU take the lengths into their fused recurrence; the Elman RNN's steps apply masks
        var (keep, drop) = this is Rnn ? Masks(running, steps, n, dtype) : (null, null);
        bool lstm = this is Lstm;
        var hs = new Tensor[_cells.Length];
        var cs = new Tensor[_cells.Length];
        var layerInput = seq;
        for (int l = 0; l < NumLayers; l++)
        {
            var outs = new Tensor[d];
            for (int k = 0; k < d; k++)
            {
                int idx = l * d + k;
                var cell = _cells[idx];
                var gi = cell.InputProjection(layerInput);
                var hidden = h0 is null ? Tensor.Zeros(new[] { n, h }, dtype) : h0.Narrow(0, idx, 1).Reshape(n, h);
                Tensor? state = !lstm ? null : c0 is null ? Tensor.Zeros(new[] { n, h }, dtype) : c0.Narrow(0, idx, 1).Reshape(n, h);
                if (cell is LstmCell lstmCell)
                {
                    // one fused op over the whole sequence (lengths included)
                    var run = lstmCell.Recurrence(gi, hidden, state!, k == 1, running);
                    outs[k] = run.Output;
                    hs[idx] = run.Hidden;
                    cs[idx] = run.Cell;
                    continue;
                }
                if (cell is GruCell gruCell)
                {
                    var run = gruCell.Recurrence(gi, hidden, k == 1, running);
                    outs[k] = run.Output;
                    hs[idx] = run.Hidden;
                    continue;
                }
                var outputs = new Tensor[steps];
                for (int s = 0; s < steps; s++)
                {
                    int t = k == 0 ? s : steps - 1 - s;
                    var (hn, cn) = cell.Step(gi.Narrow(0, t, 1).Reshape(n, -1), hidden, state);
                    if (keep is null)
                    {
                        hidden = hn;
                        state = cn;
                        outputs[t] = hn;
                    }
                    else
                    {
                        // past a sequence's length the state stays and the output is zero
                        hidden = hn * keep[t] + hidden * drop![t];
                        if (cn is not null) state = cn * keep[t] + state! * drop![t];
                        outputs[t] = hn * keep[t];
                    }
                }
                outs[k] = Tensor.Stack(outputs, 0);
                hs[idx] = hidden;
                if (state is not null) cs[idx] = state;
            }
            layerInput = d == 1 ? outs[0] : Tensor.Concat(outs, 2);
            if (Dropout > 0 && InferenceMode.Trains(Training) && l < NumLayers - 1) layerInput = layerInput.Dropout(Dropout, _random, true);
        }
        var output = BatchFirst ? layerInput.Transpose(0, 1) : layerInput;
        return new RecurrentOutput(output, Tensor.Stack(hs, 0), lstm ? Tensor.Stack(cs, 0) : null);
    }

    private void CheckState(Tensor? state, string name, int n, Tensor input)
    {
        int layers = NumLayers * (Bidirectional ? 2 : 1);
        if (state is not null && (state.Rank != 3 || state.ShapeSpan[0] != layers || state.ShapeSpan[1] != n || state.ShapeSpan[2] != HiddenSize))
            throw new TensorShapeException(
                $"{_kind}: the {name} of shape {LayerChecks.Shape(state)} must be [{layers}, {n}, {HiddenSize}] for the input of shape {LayerChecks.Shape(input)}");
    }

    /// <summary>Checks the lengths against the batch and the steps; null when there are none or every sequence runs to the end.</summary>
    private int[]? CheckLengths(int[]? lengths, int steps, int n, Tensor input)
    {
        if (lengths is null) return null;
        if (lengths.Length != n)
            throw new ArgumentException($"{_kind}: {lengths.Length} lengths for a batch of {n} (input of shape {LayerChecks.Shape(input)})", nameof(lengths));
        foreach (int len in lengths)
            if (len < 1 || len > steps)
                throw new ArgumentOutOfRangeException(nameof(lengths), $"{_kind}: a length of {len} is outside [1, {steps}] for the input of shape {LayerChecks.Shape(input)}");
        return lengths.All(len => len == steps) ? null : lengths;
    }

    /// <summary>Per step, [N, 1] masks of the sequences still running (1) and of those past their length (1); null without lengths.</summary>
    private static (Tensor[]? Keep, Tensor[]? Drop) Masks(int[]? lengths, int steps, int n, DType dtype)
    {
        if (lengths is null) return (null, null);
        var keep = new Tensor[steps];
        var drop = new Tensor[steps];
        for (int t = 0; t < steps; t++)
        {
            var k = new double[n];
            var o = new double[n];
            for (int b = 0; b < n; b++) (k[b], o[b]) = t < lengths[b] ? (1.0, 0.0) : (0.0, 1.0);
            keep[t] = Tensor.FromArray(new[] { n, 1 }, k, dtype);
            drop[t] = Tensor.FromArray(new[] { n, 1 }, o, dtype);
        }
        return (keep, drop);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{GetType().Name}({InputSize}, {HiddenSize}{(NumLayers > 1 ? $", layers={NumLayers}" : "")}{(Bidirectional ? ", bidirectional" : "")})";
}

/// <summary>An Elman RNN over a sequence (PyTorch's <c>nn.RNN</c>); see <see cref="RecurrentLayer"/> and <see cref="RnnCell"/>.</summary>
/// <example><c>var r = new Rnn(8, 16, numLayers: 2).Forward(x, lengths: new[] { 5, 3 });</c></example>
public sealed class Rnn : RecurrentLayer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="inputSize">Features of an input step.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="numLayers">Stacked layers.</param>
    /// <param name="nonlinearity">tanh (default) or relu.</param>
    /// <param name="bias">Whether the cells have biases.</param>
    /// <param name="batchFirst">Input and output [N, L, ·] instead of [L, N, ·].</param>
    /// <param name="dropout">Dropout on every layer's output but the last, while training.</param>
    /// <param name="bidirectional">Whether each layer also runs backwards.</param>
    /// <param name="initializer">Initializes every weight and bias (fan-in H); null: uniform in ±1/sqrt(H), drawn from <paramref name="random"/>.</param>
    /// <param name="random">The source of the initial weights (without an initializer) and of the dropout masks; null: unseeded.</param>
    /// <param name="dtype">The parameters' dtype; null means <see cref="Tensor.DefaultDType"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1 or the dropout outside [0, 1].</exception>
    public Rnn(int inputSize, int hiddenSize, int numLayers = 1, RnnNonlinearity nonlinearity = RnnNonlinearity.Tanh, bool bias = true,
        bool batchFirst = false, double dropout = 0, bool bidirectional = false, Initializer? initializer = null, Random? random = null, DType? dtype = null)
        : base("rnn", inputSize, hiddenSize, numLayers, batchFirst, dropout, bidirectional, random,
            (inSize, suffix) => new RnnCell(inSize, hiddenSize, nonlinearity, bias, initializer ??= new FanInUniformInitializer(random), dtype, suffix)) { }

    /// <summary>Runs the sequence from <paramref name="h0"/> (null: zeros) over sequences of the given lengths (null: all of L).</summary>
    /// <param name="input">[L, N, in], or [N, L, in] batch-first.</param>
    /// <param name="h0">[layers·D, N, H], or null for zeros.</param>
    /// <param name="lengths">Each sequence's length in [1, L], or null.</param>
    /// <exception cref="TensorShapeException">A shape does not fit the layer.</exception>
    public RecurrentOutput Forward(Tensor input, Tensor? h0, int[]? lengths = null) => Run(input, h0, null, lengths);
}

/// <summary>An LSTM over a sequence (PyTorch's <c>nn.LSTM</c>); see <see cref="RecurrentLayer"/> and <see cref="LstmCell"/>.</summary>
/// <example>
/// <code>
/// var lstm = new Lstm(32, 128, batchFirst: true);
/// var r = lstm.Forward(x, h0: null, c0: null);   // r.Output [N, L, 128], r.Hidden and r.Cell [1, N, 128]
/// </code>
/// </example>
public sealed class Lstm : RecurrentLayer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="inputSize">Features of an input step.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="numLayers">Stacked layers.</param>
    /// <param name="bias">Whether the cells have biases.</param>
    /// <param name="batchFirst">Input and output [N, L, ·] instead of [L, N, ·].</param>
    /// <param name="dropout">Dropout on every layer's output but the last, while training.</param>
    /// <param name="bidirectional">Whether each layer also runs backwards.</param>
    /// <param name="initializer">Initializes every weight and bias (fan-in H); null: uniform in ±1/sqrt(H), drawn from <paramref name="random"/>.</param>
    /// <param name="random">The source of the initial weights (without an initializer) and of the dropout masks; null: unseeded.</param>
    /// <param name="dtype">The parameters' dtype; null means <see cref="Tensor.DefaultDType"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1 or the dropout outside [0, 1].</exception>
    public Lstm(int inputSize, int hiddenSize, int numLayers = 1, bool bias = true, bool batchFirst = false, double dropout = 0,
        bool bidirectional = false, Initializer? initializer = null, Random? random = null, DType? dtype = null)
        : base("lstm", inputSize, hiddenSize, numLayers, batchFirst, dropout, bidirectional, random,
            (inSize, suffix) => new LstmCell(inSize, hiddenSize, bias, initializer ??= new FanInUniformInitializer(random), dtype, suffix)) { }

    /// <summary>Runs the sequence from (h0, c0) (null: zeros) over sequences of the given lengths (null: all of L).</summary>
    /// <param name="input">[L, N, in], or [N, L, in] batch-first.</param>
    /// <param name="h0">[layers·D, N, H], or null for zeros.</param>
    /// <param name="c0">[layers·D, N, H], or null for zeros.</param>
    /// <param name="lengths">Each sequence's length in [1, L], or null.</param>
    /// <exception cref="TensorShapeException">A shape does not fit the layer.</exception>
    public RecurrentOutput Forward(Tensor input, Tensor? h0, Tensor? c0, int[]? lengths = null) => Run(input, h0, c0, lengths);
}

/// <summary>A GRU over a sequence (PyTorch's <c>nn.GRU</c>); see <see cref="RecurrentLayer"/> and <see cref="GruCell"/>.</summary>
/// <example><c>var r = new Gru(8, 16, bidirectional: true).Forward(x, null);</c> gives r.Output [L, N, 32], r.Hidden [2, N, 16].</example>
public sealed class Gru : RecurrentLayer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="inputSize">Features of an input step.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="numLayers">Stacked layers.</param>
    /// <param name="bias">Whether the cells have biases.</param>
    /// <param name="batchFirst">Input and output [N, L, ·] instead of [L, N, ·].</param>
    /// <param name="dropout">Dropout on every layer's output but the last, while training.</param>
    /// <param name="bidirectional">Whether each layer also runs backwards.</param>
    /// <param name="initializer">Initializes every weight and bias (fan-in H); null: uniform in ±1/sqrt(H), drawn from <paramref name="random"/>.</param>
    /// <param name="random">The source of the initial weights (without an initializer) and of the dropout masks; null: unseeded.</param>
    /// <param name="dtype">The parameters' dtype; null means <see cref="Tensor.DefaultDType"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1 or the dropout outside [0, 1].</exception>
    public Gru(int inputSize, int hiddenSize, int numLayers = 1, bool bias = true, bool batchFirst = false, double dropout = 0,
        bool bidirectional = false, Initializer? initializer = null, Random? random = null, DType? dtype = null)
        : base("gru", inputSize, hiddenSize, numLayers, batchFirst, dropout, bidirectional, random,
            (inSize, suffix) => new GruCell(inSize, hiddenSize, bias, initializer ??= new FanInUniformInitializer(random), dtype, suffix)) { }

    /// <summary>Runs the sequence from <paramref name="h0"/> (null: zeros) over sequences of the given lengths (null: all of L).</summary>
    /// <param name="input">[L, N, in], or [N, L, in] batch-first.</param>
    /// <param name="h0">[layers·D, N, H], or null for zeros.</param>
    /// <param name="lengths">Each sequence's length in [1, L], or null.</param>
    /// <exception cref="TensorShapeException">A shape does not fit the layer.</exception>
    public RecurrentOutput Forward(Tensor input, Tensor? h0, int[]? lengths = null) => Run(input, h0, null, lengths);
}
