using System;
using Corgi.Verification;
using Xunit;
using static Corgi.Tests.NnTestUtil;

namespace Corgi.Tests.Ops.Sequence;

/// <summary>Tensor.LstmRecurrence and Tensor.GruRecurrence: the fused ops, by hand, against their tensor-op definitions, and their errors.</summary>
public class RecurrenceTests
{
    private static double Tol(DType dtype) => dtype == DType.Float32 ? 2e-6 : 1e-14;

    /// <summary>
    /// L = 2, N = 2, H = 1: input gates 0.4 at step 0 and -0.25 at step 1 (all four gates), W_hh = 0.5, b_hh = 0.1,
    /// h0 = c0 = 0; row 1 has length 1. Every gate of a step has the same pre-activation a, so i = f = o = σ(a), g = tanh(a).
    /// </summary>
    private static (Tensor Gates, Tensor W, Tensor B, Tensor H0, Tensor C0) TwoSteps(DType dtype) => (
        Tensor.FromArray(new[] { 2, 2, 4 }, new[] { 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, -0.25, -0.25, -0.25, -0.25, -0.25, -0.25, -0.25, -0.25 }, dtype),
        Tensor.Full(new[] { 4, 1 }, 0.5, dtype),
        Tensor.Full(new[] { 4 }, 0.1, dtype),
        Tensor.Zeros(new[] { 2, 1 }, dtype),
        Tensor.Zeros(new[] { 2, 1 }, dtype));

    [Theory]
    [MemberData(nameof(DTypeData.Both), MemberType = typeof(DTypeData))]
    public void TwoStepsByHandForwardAndReverseWithALength(DType dtype)
    {
        // forward, step 0: a = 0.4 + 0.1 = 0.5; c1 = σ(0.5) tanh(0.5) = 0.28764913664496794; h1 = σ(0.5) tanh(c1) = 0.17426971865610508
        // step 1: a = -0.25 + 0.1 + 0.5 h1 = -0.06286514067194746; c2 = σ(a) c1 + σ(a) tanh(a) = 0.1089004346422956;
        // h2 = σ(a) tanh(c2) = 0.052531771045695355. Row 1 (length 1) stops after step 0: output 0 at step 1, final (h1, c1).
        var (gates, w, b, h0, c0) = TwoSteps(dtype);
        var lengths = new[] { 2, 1 };
        var (output, hidden, cell) = Tensor.LstmRecurrence(gates, w, b, h0, c0, lengths: lengths);
        Close(new[] { 2, 2, 1 }, new[] { 0.17426971865610508, 0.17426971865610508, 0.052531771045695355, 0 }, output, Tol(dtype));
        Close(new[] { 2, 1 }, new[] { 0.052531771045695355, 0.17426971865610508 }, hidden, Tol(dtype));
        Close(new[] { 2, 1 }, new[] { 0.1089004346422956, 0.28764913664496794 }, cell, Tol(dtype));

        // reverse, step 1 first: a = -0.15; c = σ(a) tanh(a) = -0.06886977302913924, h = σ(a) tanh(c) = -0.031806830372303384;
        // then step 0: a = 0.5 + 0.5 h = 0.4840965848138483; c = σ(a) c + σ(a) tanh(a) = 0.23551293681570865, h = 0.1430796906641527.
        // Row 1 (length 1) skips step 1 (output 0, state stays 0) and runs step 0 from zeros: (h1, c1) of the forward run.
        (output, hidden, cell) = Tensor.LstmRecurrence(gates, w, b, h0, c0, reverse: true, lengths: lengths);
        Close(new[] { 0.1430796906641527, 0.17426971865610508, -0.031806830372303384, 0 }, output, Tol(dtype));
        Close(new[] { 0.1430796906641527, 0.17426971865610508 }, hidden, Tol(dtype));
        Close(new[] { 0.23551293681570865, 0.28764913664496794 }, cell, Tol(dtype));
    }

    [Theory]
    [MemberData(nameof(DTypeData.Both), MemberType = typeof(DTypeData))]
    public void OneStepGradientsByHand(DType dtype)
    {
        // L = N = H = 1, all gate pre-activations a = 0.5 (no bias), h0 = c0 = 0, loss h1. With S = σ(0.5), T = tanh(0.5),
        // c1 = S T, tc = tanh(c1): dh/da_o = S(1-S) tc = 0.06579390613269055; dh/dc1 = S (1 - tc²);
        // dh/da_i = dh/dc1 · S(1-S) T = 0.06230003250532517; dh/da_f = dh/dc1 · S(1-S) c0 = 0;
        // dh/da_g = dh/dc1 · S (1 - T²) = 0.2808292267820478; dh/dc0 = dh/dc1 · S = 0.3570856841597821;
        // dh/dh0 = Σ_k W_hh[k] dh/da_k = 0.20446158271003176; dh/dW_hh = dh/da · h0 = 0; dh/db_hh = dh/da.
        var gates = Tensor.Full(new[] { 1, 1, 4 }, 0.5, dtype).Tracked();
        var w = Tensor.Full(new[] { 4, 1 }, 0.5, dtype).Tracked();
        var b = Tensor.Zeros(new[] { 4 }, dtype).Tracked();
        var h0 = Tensor.Zeros(new[] { 1, 1 }, dtype).Tracked();
        var c0 = Tensor.Zeros(new[] { 1, 1 }, dtype).Tracked();
        var (_, hidden, _) = Tensor.LstmRecurrence(gates, w, b, h0, c0);
        hidden.Sum().Backward();
        var da = new[] { 0.06230003250532517, 0, 0.2808292267820478, 0.06579390613269055 };
        Close(da, gates.Gradient!, Tol(dtype));
        Close(da, b.Gradient!, Tol(dtype));
        Close(new double[4], w.Gradient!, Tol(dtype));
        Close(new[] { 0.20446158271003176 }, h0.Gradient!, Tol(dtype));
        Close(new[] { 0.3570856841597821 }, c0.Gradient!, Tol(dtype));
    }

    /// <summary>Both dtypes, with and without b_hh, both directions, full and ragged lengths; H = 4 and H = 19 (the kernels'
    /// SIMD loops run over H: 19 covers whole vectors and a remainder at every vector width).</summary>
    public static TheoryData<DType, bool, bool, bool, int> Cases()
    {
        var data = new TheoryData<DType, bool, bool, bool, int>();
        foreach (var dtype in new[] { DType.Float64, DType.Float32 })
            foreach (bool bias in new[] { true, false })
                foreach (bool reverse in new[] { false, true })
                    foreach (bool ragged in new[] { false, true })
                        foreach (int size in new[] { 4, 19 })
                            data.Add(dtype, bias, reverse, ragged, size);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FusedOpEqualsItsTensorOpDefinitionInValuesAndGradients(DType dtype, bool bias, bool reverse, bool ragged, int size)
    {
        const int steps = 5, batch = 3;
        int[]? lengths = ragged ? new[] { 5, 2, 1 } : null;
        var inputs = new[]
        {
            Tensor.RandomNormal(new[] { steps, batch, 4 * size }, 1, dtype: dtype),
            Tensor.RandomNormal(new[] { 4 * size, size }, 2, 0, 0.5, dtype),
            Tensor.RandomNormal(new[] { 4 * size }, 3, dtype: dtype),
            Tensor.RandomNormal(new[] { batch, size }, 4, dtype: dtype),
            Tensor.RandomNormal(new[] { batch, size }, 5, dtype: dtype),
        };
        if (!bias) inputs = new[] { inputs[0], inputs[1], inputs[3], inputs[4] };
        FusedMatchesDefinition(inputs, 6, dtype, xs =>
        {
            var (o, h, c) = Tensor.LstmRecurrence(xs[0], xs[1], bias ? xs[2] : null, xs[^2], xs[^1], reverse, lengths);
            return Tensor.Concat(new[] { o, h.Unsqueeze(0), c.Unsqueeze(0) }, 0);
        }, xs => Tensor.LstmRecurrenceComposite(xs, steps, batch, size, reverse, lengths));
    }

    /// <summary>
    /// sum(w · packed result) through a fused recurrence and through its tensor-op definition, each on fresh leaves with
    /// the inputs' values: the values and every input's gradient agree.
    /// </summary>
    private static void FusedMatchesDefinition(Tensor[] inputs, int seed, DType dtype, Func<Tensor[], Tensor> fused, Func<Tensor[], Tensor> definition)
    {
        var fusedLeaves = Array.ConvertAll(inputs, x => x.Detach().Tracked());
        var packed = fused(fusedLeaves);
        var weights = Tensor.RandomNormal(new[] { packed.Count }, seed, dtype: dtype);
        Tensor Loss(Tensor p) => (p.Flatten() * weights).Sum();
        Loss(packed).Backward();

        var plain = Array.ConvertAll(inputs, x => x.Detach().Tracked());
        var reference = definition(plain);
        Loss(reference).Backward();

        // the same arithmetic up to the order of a few sums (bias before the product, the weight gradient as one GEMM)
        double tol = dtype == DType.Float32 ? 1e-5 : 1e-13;
        Close(reference.ToArray(), packed, tol);
        for (int i = 0; i < inputs.Length; i++) Close(plain[i].Gradient!.ToArray(), fusedLeaves[i].Gradient!, tol);
    }

    [Theory]
    [MemberData(nameof(DTypeData.Both), MemberType = typeof(DTypeData))]
    public void SecondOrderThroughTheCreateGraphBackward(DType dtype)
    {
        var inputs = new[]
        {
            Tensor.RandomNormal(new[] { 3, 2, 8 }, 11, dtype: dtype),
            Tensor.RandomNormal(new[] { 8, 2 }, 12, 0, 0.5, dtype),
            Tensor.RandomNormal(new[] { 8 }, 13, dtype: dtype),
            Tensor.RandomNormal(new[] { 2, 2 }, 14, dtype: dtype),
            Tensor.RandomNormal(new[] { 2, 2 }, 15, dtype: dtype),
        };
        var report = GradientChecker.CheckSecondOrder(x =>
        {
            var (o, h, c) = Tensor.LstmRecurrence(x[0], x[1], x[2], x[3], x[4], lengths: new[] { 3, 2 });
            return o.Square().Sum() + h.Sum() + c.Tanh().Sum();
        }, inputs, GradientCheckOptions.ForStepSize(1e-5));
        Assert.True(report.Passed, report.Summary);
    }

    [Fact]
    public void UntrackedInputsGiveUntrackedResults()
    {
        var (o, h, c) = Tensor.LstmRecurrence(Tensor.Zeros(2, 1, 4), Tensor.Zeros(4, 1), null, Tensor.Zeros(1, 1), Tensor.Zeros(1, 1));
        Assert.False(o.IsTracked || h.IsTracked || c.IsTracked);
        Assert.Equal(new[] { 2, 1, 1 }, o.Shape);
    }

    [Fact]
    public void BadInputsNameTheOpAndTheShapes()
    {
        var g = Tensor.Zeros(3, 2, 8);
        var w = Tensor.Zeros(8, 2);
        var s = Tensor.Zeros(2, 2);
        var e = Assert.Throws<TensorShapeException>(() => Tensor.LstmRecurrence(g, Tensor.Zeros(8, 3), null, s, s));
        Assert.Contains("lstm_recurrence", e.Message);
        Assert.Contains("W_hh [8,3]", e.Message);
        Assert.Throws<TensorShapeException>(() => Tensor.LstmRecurrence(Tensor.Zeros(3, 2, 6), w, null, s, s));
        Assert.Throws<TensorShapeException>(() => Tensor.LstmRecurrence(Tensor.Zeros(0, 2, 8), w, null, s, s));
        Assert.Throws<TensorShapeException>(() => Tensor.LstmRecurrence(g, w, Tensor.Zeros(4), s, s));
        e = Assert.Throws<TensorShapeException>(() => Tensor.LstmRecurrence(g, w, null, Tensor.Zeros(3, 2), s));
        Assert.Contains("h0 [3,2]", e.Message);
        var d = Assert.Throws<ArgumentException>(() => Tensor.LstmRecurrence(g, w.To(DType.Float32), null, s, s));
        Assert.Contains("float32", d.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.LstmRecurrence(g, w, null, s, s, lengths: new[] { 4, 1 }));
        Assert.Throws<ArgumentException>(() => Tensor.LstmRecurrence(g, w, null, s, s, lengths: new[] { 3 }));
        Assert.Throws<ArgumentNullException>(() => Tensor.LstmRecurrence(g, null!, null, s, s));
    }

    [Theory]
    [MemberData(nameof(DTypeData.Both), MemberType = typeof(DTypeData))]
    public void GruOneStepByHand(DType dtype)
    {
        // L = N = H = 1; input gates a = [0.3, -0.4, 0.6] (r, z, n), W_hh = 0.5, b_hh = 0.1, h0 = 0.2, so every hidden
        // gate is b = 0.5·0.2 + 0.1 = 0.2: r = σ(0.5) = 0.6224593312018546, z = σ(-0.2) = 0.45016600268752216,
        // n = tanh(0.6 + 0.2 r) = 0.6196839603015832, h' = n + z (h0 - n) = 0.4307565095005508.
        // Loss h': dn = 1 - z, dz = h0 - n, da_n = dn (1 - n²) = 0.33869322784719735, da_r = da_n b_n r (1 - r) =
        // 0.015918833168326364, da_z = dz z (1 - z) = -0.10387873547598817; the hidden gates' gradient is
        // [da_r, da_z, da_n r = 0.21082276008836381] (= db_hh), dW_hh = that · h0, dh0 = z + 0.5 Σ = 0.5115974315778732.
        double tol = dtype == DType.Float32 ? 2e-6 : 1e-14;
        var gates = Tensor.FromArray(new[] { 1, 1, 3 }, new[] { 0.3, -0.4, 0.6 }, dtype).Tracked();
        var w = Tensor.Full(new[] { 3, 1 }, 0.5, dtype).Tracked();
        var b = Tensor.Full(new[] { 3 }, 0.1, dtype).Tracked();
        var h0 = Tensor.Full(new[] { 1, 1 }, 0.2, dtype).Tracked();
        var (output, hidden) = Tensor.GruRecurrence(gates, w, b, h0);
        Close(new[] { 0.4307565095005508 }, output, tol);
        Close(new[] { 0.4307565095005508 }, hidden, tol);
        hidden.Sum().Backward();
        Close(new[] { 0.015918833168326364, -0.10387873547598817, 0.33869322784719735 }, gates.Gradient!, tol);
        Close(new[] { 0.015918833168326364, -0.10387873547598817, 0.21082276008836381 }, b.Gradient!, tol);
        Close(new[] { 0.003183766633665273, -0.020775747095197635, 0.04216455201767277 }, w.Gradient!, tol);
        Close(new[] { 0.5115974315778732 }, h0.Gradient!, tol);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FusedGruEqualsItsTensorOpDefinitionInValuesAndGradients(DType dtype, bool bias, bool reverse, bool ragged, int size)
    {
        const int steps = 5, batch = 3;
        int[]? lengths = ragged ? new[] { 5, 2, 1 } : null;
        var inputs = new[]
        {
            Tensor.RandomNormal(new[] { steps, batch, 3 * size }, 21, dtype: dtype),
            Tensor.RandomNormal(new[] { 3 * size, size }, 22, 0, 0.5, dtype),
            Tensor.RandomNormal(new[] { 3 * size }, 23, dtype: dtype),
            Tensor.RandomNormal(new[] { batch, size }, 24, dtype: dtype),
        };
        if (!bias) inputs = new[] { inputs[0], inputs[1], inputs[3] };
        FusedMatchesDefinition(inputs, 25, dtype, xs =>
        {
            var (o, h) = Tensor.GruRecurrence(xs[0], xs[1], bias ? xs[2] : null, xs[^1], reverse, lengths);
            return Tensor.Concat(new[] { o, h.Unsqueeze(0) }, 0);
        }, xs => Tensor.GruRecurrenceComposite(xs, steps, batch, size, reverse, lengths));
    }

    [Theory]
    [MemberData(nameof(DTypeData.Both), MemberType = typeof(DTypeData))]
    public void GruSecondOrderThroughTheCreateGraphBackward(DType dtype)
    {
        var inputs = new[]
        {
            Tensor.RandomNormal(new[] { 3, 2, 6 }, 31, dtype: dtype),
            Tensor.RandomNormal(new[] { 6, 2 }, 32, 0, 0.5, dtype),
            Tensor.RandomNormal(new[] { 6 }, 33, dtype: dtype),
            Tensor.RandomNormal(new[] { 2, 2 }, 34, dtype: dtype),
        };
        var report = GradientChecker.CheckSecondOrder(x =>
        {
            var (o, h) = Tensor.GruRecurrence(x[0], x[1], x[2], x[3], reverse: true, lengths: new[] { 3, 1 });
            return o.Square().Sum() + h.Tanh().Sum();
        }, inputs, GradientCheckOptions.ForStepSize(1e-5));
        Assert.True(report.Passed, report.Summary);
    }

    [Fact]
    public void GruBadInputsNameTheOp()
    {
        var s = Tensor.Zeros(2, 2);
        var e = Assert.Throws<TensorShapeException>(() => Tensor.GruRecurrence(Tensor.Zeros(3, 2, 8), Tensor.Zeros(8, 2), null, s));
        Assert.Contains("gru_recurrence: W_hh must be [3H, H]", e.Message);
        Assert.Throws<TensorShapeException>(() => Tensor.GruRecurrence(Tensor.Zeros(3, 2, 6), Tensor.Zeros(6, 2), null, Tensor.Zeros(3, 2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.GruRecurrence(Tensor.Zeros(3, 2, 6), Tensor.Zeros(6, 2), null, s, lengths: new[] { 0, 1 }));
    }
}
