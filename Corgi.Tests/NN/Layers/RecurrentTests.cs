using System;
using System.Linq;
using Corgi.NN;
using Corgi.Verification;
using Xunit;
using static Corgi.Tests.NnTestUtil;

namespace Corgi.Tests.NN.Layers;

public class RecurrentTests
{
    private static double Sig(double v) => 1 / (1 + Math.Exp(-v));

    /// <summary>One LSTM step of a 1-input, 1-unit cell whose weights are all 0.5 and biases 0, by hand.</summary>
    private static (double H, double C) HandLstm(double x, double h, double c)
    {
        double pre = 0.5 * x + 0.5 * h;            // the same pre-activation for i, f, g, o
        double i = Sig(pre), f = Sig(pre), g = Math.Tanh(pre), o = Sig(pre);
        double c1 = f * c + i * g;
        return (o * Math.Tanh(c1), c1);
    }

    private static void Fill(RecurrentCell cell, double w, double b)
    {
        cell.WeightIH.Value = Tensor.Full(cell.WeightIH.Shape, w, cell.WeightIH.Value.DType);
        cell.WeightHH.Value = Tensor.Full(cell.WeightHH.Shape, w, cell.WeightHH.Value.DType);
        cell.BiasIH!.Value = Tensor.Full(cell.BiasIH.Shape, b, cell.BiasIH.Value.DType);
        cell.BiasHH!.Value = Tensor.Full(cell.BiasHH.Shape, b, cell.BiasHH.Value.DType);
    }

    [Theory]
    [MemberData(nameof(DTypeData.Both), MemberType = typeof(DTypeData))]
    public void LstmCellStepByHand(DType dtype)
    {
        // x = 1, h = c = 0: every gate's pre-activation is 0.5; i = f = o = σ(0.5) = 0.622459, g = tanh(0.5) = 0.462117
        // c' = 0.622459·0.462117 = 0.287649; h' = 0.622459·tanh(0.287649) = 0.622459·0.279969 = 0.174270
        var cell = new LstmCell(1, 1, dtype: dtype);
        Fill(cell, 0.5, 0);
        var (h, c) = cell.Forward(Tensor.Ones(new[] { 1, 1 }, dtype), null, null);
        double tol = dtype == DType.Float32 ? 1e-6 : 1e-12;
        Close(new[] { 0.287649 }, c, 1e-5);
        Close(new[] { 0.174270 }, h, 1e-5);
        var (eh, ec) = HandLstm(1, 0, 0);
        Close(new[] { eh }, h, tol);
        Close(new[] { ec }, c, tol);
    }

    [Theory]
    [MemberData(nameof(DTypeData.Both), MemberType = typeof(DTypeData))]
    public void LstmLayerRunsTheCellOverTime(DType dtype)
    {
        var lstm = new Lstm(1, 1, dtype: dtype);
        Fill(lstm.Cells[0], 0.5, 0);
        // x = [1, 2] over L = 2 for N = 1, from h0 = 0.1, c0 = −0.2
        var r = lstm.Forward(T(new[] { 2, 1, 1 }, 1, 2).To(dtype), Tensor.Full(new[] { 1, 1, 1 }, 0.1, dtype), Tensor.Full(new[] { 1, 1, 1 }, -0.2, dtype));
        var (h1, c1) = HandLstm(1, 0.1, -0.2);
        var (h2, c2) = HandLstm(2, h1, c1);
        double tol = dtype == DType.Float32 ? 1e-6 : 1e-12;
        Close(new[] { 2, 1, 1 }, new[] { h1, h2 }, r.Output, tol);
        Close(new[] { 1, 1, 1 }, new[] { h2 }, r.Hidden, tol);
        Close(new[] { 1, 1, 1 }, new[] { c2 }, r.Cell!, tol);
        Assert.Equal(new[] { "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0" }, lstm.Parameters.Select(p => p.Name));
        Assert.Equal(new[] { 4, 1 }, lstm.Cells[0].WeightIH.Shape);
    }

    [Theory]
    [MemberData(nameof(DTypeData.Both), MemberType = typeof(DTypeData))]
    public void GruCellStepByHand(DType dtype)
    {
        // weights 0.5, biases 0.1, x = 1, h = 1: input part 0.5 + 0.1 = 0.6, hidden part 0.5 + 0.1 = 0.6 for each gate
        // r = z = σ(1.2); n = tanh(0.6 + r·0.6) (r scales the hidden part including b_hn); h' = (1 − z) n + z·1
        var cell = new GruCell(1, 1, dtype: dtype);
        Fill(cell, 0.5, 0.1);
        var h = cell.Forward(Tensor.Ones(new[] { 1, 1 }, dtype), Tensor.Ones(new[] { 1, 1 }, dtype));
        double r = Sig(1.2), z = Sig(1.2), n = Math.Tanh(0.6 + r * 0.6);
        Close(new[] { (1 - z) * n + z }, h, dtype == DType.Float32 ? 1e-6 : 1e-12);
    }

    [Fact]
    public void RnnCellTanhAndRelu()
    {
        // h' = f(0.5·x + 0.1 + 0.5·h + 0.1) with x = [1, −3], h = 0: tanh(0.7), tanh(−1.3); relu gives 0.7, 0
        var tanh = new RnnCell(1, 1);
        Fill(tanh, 0.5, 0.1);
        Close(new[] { Math.Tanh(0.7), Math.Tanh(-1.3) }, tanh.Forward(T(new[] { 2, 1 }, 1, -3)));
        var relu = new RnnCell(1, 1, RnnNonlinearity.Relu);
        Fill(relu, 0.5, 0.1);
        Close(new[] { 0.7, 0 }, relu.Forward(T(new[] { 2, 1 }, 1, -3), null), 1e-12);
    }

    [Fact]
    public void BidirectionalRunsTheReverseCellFromTheEnd()
    {
        var gru = new Gru(2, 3, bidirectional: true, initializer: Initializer.XavierUniform(1));
        var x = Tensor.RandomNormal(new[] { 4, 2, 2 }, 3);
        var r = gru.Forward(x, null);
        Assert.Equal(new[] { 4, 2, 6 }, r.Output.Shape);
        Assert.Equal(new[] { 2, 2, 3 }, r.Hidden.Shape);
        Assert.Null(r.Cell);
        // the reverse cell by hand: steps t = 3, 2, 1, 0
        var rev = (GruCell)gru.Cells[1];
        Tensor? h = null;
        var back = new Tensor[4];
        for (int t = 3; t >= 0; t--) back[t] = h = rev.Forward(x.Narrow(0, t, 1).Reshape(2, 2), h);
        for (int t = 0; t < 4; t++) Close(back[t].ToArray(), r.Output.Narrow(0, t, 1).Narrow(2, 3, 3));
        Close(back[0].ToArray(), r.Hidden.Narrow(0, 1, 1));
        Assert.Equal("weight_ih_l0_reverse", rev.WeightIH.Name);
    }

    [Fact]
    public void LengthsMaskTheUpdatesPastEachSequence()
    {
        var lstm = new Lstm(2, 3, bidirectional: true, batchFirst: true, initializer: Initializer.XavierUniform(2));
        var x = Tensor.RandomNormal(new[] { 2, 3, 2 }, 4);                 // [N = 2, L = 3, 2]
        var r = lstm.Forward(x, null, null, lengths: new[] { 3, 1 });
        // sequence 1 alone with L = 1 is what the batch must give it
        var alone = lstm.Forward(x.Narrow(0, 1, 1).Narrow(1, 0, 1), null, null);
        Close(alone.Output.ToArray(), r.Output.Narrow(0, 1, 1).Narrow(1, 0, 1));
        Close(new double[12], r.Output.Narrow(0, 1, 1).Narrow(1, 1, 2));   // zeros past its length
        Close(alone.Hidden.ToArray(), r.Hidden.Narrow(1, 1, 1));
        Close(alone.Cell!.ToArray(), r.Cell!.Narrow(1, 1, 1));
        // sequence 0 is unaffected by the masking
        var full = lstm.Forward(x.Narrow(0, 0, 1), null, null);
        Close(full.Output.ToArray(), r.Output.Narrow(0, 0, 1), 1e-12);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => lstm.Forward(x, null, null, new[] { 4, 1 }));
        Assert.Contains("lstm", e.Message);
    }

    [Fact]
    public void StackedLayersFeedEachOtherAndBatchFirstTransposes()
    {
        var two = new Rnn(2, 3, numLayers: 2, initializer: Initializer.XavierUniform(5));
        var x = Tensor.RandomNormal(new[] { 3, 2, 2 }, 6);
        var r = two.Forward(x, null);
        Assert.Equal(new[] { 2, 2, 3 }, r.Hidden.Shape);
        // layer 1 by hand over layer 0's outputs
        var l0 = (RnnCell)two.Cells[0];
        var l1 = (RnnCell)two.Cells[1];
        Tensor? h0 = null, h1 = null;
        for (int t = 0; t < 3; t++)
        {
            h0 = l0.Forward(x.Narrow(0, t, 1).Reshape(2, 2), h0);
            h1 = l1.Forward(h0, h1);
            Close(h1.ToArray(), r.Output.Narrow(0, t, 1));
        }
        var bf = new Rnn(2, 3, numLayers: 2, batchFirst: true);
        for (int i = 0; i < 8; i++) bf.Parameters[i].Value = two.Parameters[i].Value;
        Close(r.Output.Transpose(0, 1).ToArray(), bf.Forward(x.Transpose(0, 1)));
    }

    [Fact]
    public void ErrorsNameTheLayerAndShapes()
    {
        var lstm = new Lstm(3, 4, numLayers: 2);
        var e = Assert.Throws<TensorShapeException>(() => lstm.Forward(Tensor.Zeros(5, 2, 2)));
        Assert.Contains("lstm", e.Message);
        Assert.Contains("[5,2,2]", e.Message);
        e = Assert.Throws<TensorShapeException>(() => lstm.Forward(Tensor.Zeros(5, 2, 3), Tensor.Zeros(1, 2, 4), null));
        Assert.Contains("[2, 2, 4]", e.Message);
        Assert.Throws<TensorShapeException>(() => new GruCell(3, 4).Forward(Tensor.Zeros(2, 3), Tensor.Zeros(3, 4)));
    }

    public static TheoryData<DType, string> Kinds => new()
    {
        { DType.Float64, "rnn" }, { DType.Float32, "rnn" }, { DType.Float64, "gru" }, { DType.Float32, "gru" },
        { DType.Float64, "lstm" }, { DType.Float32, "lstm" },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void FiniteDifferencesThroughStatesLengthsAndDirections(DType dtype, string kind)
    {
        var init = Initializer.XavierUniform(8);
        RecurrentLayer layer = kind switch
        {
            "rnn" => new Rnn(2, 2, numLayers: 2, bidirectional: true, initializer: init, dtype: dtype),
            "gru" => new Gru(2, 2, numLayers: 2, bidirectional: true, initializer: init, dtype: dtype),
            _ => new Lstm(2, 2, numLayers: 2, bidirectional: true, initializer: init, dtype: dtype),
        };
        var ps = layer.Parameters.ToArray();
        var x = Tensor.RandomNormal(new[] { 3, 2, 2 }, 9, dtype: dtype);
        var h0 = Tensor.RandomNormal(new[] { 4, 2, 2 }, 10, 0, 0.5, dtype);
        var c0 = Tensor.RandomNormal(new[] { 4, 2, 2 }, 11, 0, 0.5, dtype);
        var w = Tensor.RandomNormal(new[] { 3, 2, 4 }, 12);
        var wh = Tensor.RandomNormal(new[] { 4, 2, 2 }, 13);
        var lengths = new[] { 3, 2 };
        var report = GradientChecker.Check(xs =>
        {
            for (int i = 0; i < ps.Length; i++) ps[i].Value = xs[i + 3];
            var r = layer switch
            {
                Lstm l => l.Forward(xs[0], xs[1], xs[2], lengths),
                Gru g => g.Forward(xs[0], xs[1], lengths),
                Rnn n => n.Forward(xs[0], xs[1], lengths),
                _ => throw new InvalidOperationException(),
            };
            var loss = (r.Output * w.To(r.Output.DType)).Sum() + (r.Hidden * wh.To(r.Output.DType)).Sum();
            return r.Cell is null ? loss + (xs[2] * 0).Sum() : loss + (r.Cell * wh.To(r.Output.DType)).Sum();
        }, new[] { x, h0, c0 }.Concat(ps.Select(p => p.Value)).ToArray());
        Assert.True(report.Passed, report.Summary);
        LayerCheck.Gradients(layer, x);   // ILayer.Forward: the output sequence from zero states
    }

    [Fact]
    public void ASeededRandomGivesTheSameInitialWeights()
    {
        // without an initializer the weights come from the layer's random source: the same seed, the same layer
        var a = new Lstm(3, 4, random: new Random(5));
        var b = new Lstm(3, 4, random: new Random(5));
        var c = new Gru(3, 4, random: new Random(5));
        for (int i = 0; i < a.Parameters.Count; i++) Assert.Equal(a.Parameters[i].Value.ToArray(), b.Parameters[i].Value.ToArray());
        Assert.NotEqual(a.Parameters[0].Value.ToArray(), new Lstm(3, 4, random: new Random(6)).Parameters[0].Value.ToArray());
        Assert.Equal(c.Parameters[0].Value.ToArray(), new Gru(3, 4, random: new Random(5)).Parameters[0].Value.ToArray());
        Assert.Equal(new Embedding(5, 3, random: new Random(1)).Weight.Value.ToArray(), new Embedding(5, 3, random: new Random(1)).Weight.Value.ToArray());
        Assert.Equal(new LearnedPositionalEncoding(5, 3, random: new Random(1)).Weight.Value.ToArray(),
            new LearnedPositionalEncoding(5, 3, random: new Random(1)).Weight.Value.ToArray());
    }
}
