using System;
using System.Linq;
using Corgi.NN;
using Xunit;
using static Corgi.Tests.NnTestUtil;

namespace Corgi.Tests.NN.Layers;

public class TransformerDecoderTests
{
    /// <summary>Zeroes a parameter (keeping its shape and dtype).</summary>
    private static void Zero(Parameter? p)
    {
        if (p is not null) p.Value = Tensor.Zeros(p.Shape, p.Value.DType);
    }

    [Fact]
    public void BlocksThatAddNothingLeaveTheTargetOrItsNorm()
    {
        var x = Tensor.RandomNormal(new[] { 3, 2, 4 }, 5);
        var memory = Tensor.RandomNormal(new[] { 5, 2, 4 }, 6);
        foreach (bool normFirst in new[] { true, false })
        {
            var dec = new TransformerDecoderLayer(4, 2, dimFeedforward: 8, dropout: 0, layerNormEps: 0, normFirst: normFirst, random: new Random(1));
            // zero both out_proj (their biases start at zero) and linear2: all three blocks add nothing
            Zero(dec.SelfAttention.OutProjWeight);
            Zero(dec.CrossAttention.OutProjWeight);
            Zero(dec.Linear2Weight);
            Zero(dec.Linear2Bias);
            var y = dec.Forward(x, memory, tgtIsCausal: true);
            // pre-norm: x + 0 + 0 + 0 = x; post-norm: LN(LN(LN(x))) = LN(x)
            var expected = normFirst ? x : new LayerNorm(4, eps: 0).Forward(x);
            Close(expected.ToArray(), y, 1e-9);
        }
    }

    [Theory]
    [MemberData(nameof(DTypeData.Both), MemberType = typeof(DTypeData))]
    public void CrossAttentionToOneMemoryPositionAddsThatPositionByHand(DType dtype)
    {
        // Pre-norm, self-attention and feed-forward zeroed; the cross-attention's value and output projections are
        // the identity, biases zero. With one memory position per batch entry, the softmax over one key is 1 whatever
        // the query, so every target position gets memory[n] added: y[n, t] = x[n, t] + m[n].
        var dec = new TransformerDecoderLayer(4, 2, dimFeedforward: 3, dropout: 0, batchFirst: true, normFirst: true, random: new Random(2), dtype: dtype);
        Zero(dec.SelfAttention.OutProjWeight);
        Zero(dec.Linear2Weight);
        Zero(dec.Linear2Bias);
        var w = new double[12 * 4];
        var rnd = new Random(3);
        for (int i = 0; i < 8 * 4; i++) w[i] = rnd.NextDouble() - 0.5;   // any query and key projections
        for (int i = 0; i < 4; i++) w[(8 + i) * 4 + i] = 1;             // value projection = identity
        dec.CrossAttention.InProjWeight.Value = Tensor.FromArray(new[] { 12, 4 }, w, dtype);
        dec.CrossAttention.OutProjWeight.Value = Tensor.FromArray(new[] { 4, 4 }, new double[] { 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1 }, dtype);
        var x = T(new[] { 2, 3, 4 }, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0, 0, 0, 0, 1, 1, 1, 1, -1, -2, -3, -4).To(dtype);
        var m = T(new[] { 2, 1, 4 }, 10, 20, 30, 40, -1, 0, 1, 2).To(dtype);
        var expected = new double[] { 11, 22, 33, 44, 15, 26, 37, 48, 19, 30, 41, 52, -1, 0, 1, 2, 0, 1, 2, 3, -2, -2, -2, -2 };
        double tol = dtype == DType.Float32 ? 1e-5 : 1e-12;
        Close(expected, dec.Forward(x, m, tgtIsCausal: true), tol);

        // a padded second memory position is ignored: the same result
        var m2 = T(new[] { 2, 2, 4 }, 10, 20, 30, 40, 7, 7, 7, 7, -1, 0, 1, 2, 9, 9, 9, 9).To(dtype);
        var pad = T(new[] { 2, 2 }, 0, 1, 0, 1);
        Close(expected, dec.Forward(x, m2, memoryKeyPaddingMask: pad), tol);
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(false, false)]
    public void MatchesTheCompositionOfItsBlocksStepByStep(bool normFirst, bool batchFirst)
    {
        var dec = new TransformerDecoderLayer(4, 2, dimFeedforward: 6, dropout: 0, activation: Activation.Gelu(), batchFirst: batchFirst,
            normFirst: normFirst, random: new Random(4));
        LayerCheck.Randomize(dec, 5);
        var tgt = Tensor.RandomNormal(batchFirst ? new[] { 2, 3, 4 } : new[] { 3, 2, 4 }, 6);
        var memory = Tensor.RandomNormal(batchFirst ? new[] { 2, 5, 4 } : new[] { 5, 2, 4 }, 7);
        var memPad = T(new[] { 2, 5 }, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0);
        var tgtMask = Attention.CausalMask(3, 3);

        Tensor Sa(Tensor x) => dec.SelfAttention.Forward(x, x, x, attentionMask: tgtMask).Output;
        Tensor Ca(Tensor x) => dec.CrossAttention.Forward(x, memory, memory, keyPaddingMask: memPad).Output;
        Tensor Ff(Tensor x)
        {
            var h = x.MatMul(dec.Linear1Weight.Value, transposeOther: true) + dec.Linear1Bias!.Value;
            return h.Gelu().MatMul(dec.Linear2Weight.Value, transposeOther: true) + dec.Linear2Bias!.Value;
        }
        Tensor expected;
        if (normFirst)
        {
            var a = tgt + Sa(dec.Norm1.Forward(tgt));
            var b = a + Ca(dec.Norm2.Forward(a));
            expected = b + Ff(dec.Norm3.Forward(b));
        }
        else
        {
            var a = dec.Norm1.Forward(tgt + Sa(tgt));
            var b = dec.Norm2.Forward(a + Ca(a));
            expected = dec.Norm3.Forward(b + Ff(b));
        }
        var y = dec.Forward(tgt, memory, tgtMask: tgtMask, memoryKeyPaddingMask: memPad);
        Close(expected.ToArray(), y, 1e-12);
        // isCausal is the same mask
        Close(expected.ToArray(), dec.Forward(tgt, memory, memoryKeyPaddingMask: memPad, tgtIsCausal: true), 1e-12);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void MatchesPyTorch(bool normFirst)
    {
        // torch.nn.TransformerDecoderLayer(4, 2, 3, dropout=0.0, batch_first=True, norm_first=...) in float64 (PyTorch 1.13),
        // named_parameters filled in order with 0.5 sin(0.7 k + 0.3), tgt[i] = cos(0.9 i) [2, 3, 4], memory[i] = sin(1.3 i + 0.1)
        // [2, 2, 4], tgt_mask = the causal mask
        var expected = normFirst
            ? new double[] { -0.294120533613805, 0.825894320454967, -1.04604047335573, -1.28309624464437, -2.41181359242119, 0.110025037770661, -0.169098874728668, 0.542903225157084, -0.799985418657412, 0.0484991748232969, -1.76851608371696, -1.2833458959097, -1.83202752180614, 1.10009475022279, 0.0514965121999574, 0.257077802483641, -1.86616528498947, -0.449688829996288, -1.84394771339698, -0.549009851215187, -0.858470761318525, 1.40000752498971, -0.384910895326408, -0.573336140309735 }
            : new double[] { -0.692877805745898, -0.318719163303056, -0.0432245394641023, -0.253388409852815, -0.706012104502029, -0.216505349618708, -0.099543862068605, -0.259818529110748, -0.694691911929871, -0.320848173112685, -0.0520209936009921, -0.248128046757394, -0.704382982422991, -0.221717333544626, -0.0908334221392571, -0.262348676839527, -0.713641888456419, -0.165389548794662, -0.158445823808506, -0.250174336216056, -0.70068946447877, -0.255433914141796, -0.0712601486367911, -0.260275123169314 };
        var dec = new TransformerDecoderLayer(4, 2, 3, dropout: 0, batchFirst: true, normFirst: normFirst, random: new Random(1));
        int k = 0;
        foreach (var p in dec.Parameters)
        {
            var v = new double[p.Value.Count];
            for (int i = 0; i < v.Length; i++) v[i] = 0.5 * Math.Sin(0.7 * (k + i) + 0.3);
            k += v.Length;
            p.Value = Tensor.FromArray(p.Shape, v, DType.Float64);
        }
        var tgt = Tensor.FromArray(new[] { 2, 3, 4 }, Enumerable.Range(0, 24).Select(i => Math.Cos(0.9 * i)).ToArray(), DType.Float64);
        var memory = Tensor.FromArray(new[] { 2, 2, 4 }, Enumerable.Range(0, 16).Select(i => Math.Sin(1.3 * i + 0.1)).ToArray(), DType.Float64);
        Close(expected, dec.Forward(tgt, memory, tgtMask: Attention.CausalMask(3, 3, DType.Float64)), 1e-10);
        Close(expected, dec.Forward(tgt, memory, tgtIsCausal: true), 1e-10);
    }

    [Fact]
    public void ParametersInPyTorchsOrderAndDropoutObeysTheTrainingFlag()
    {
        var names = new TransformerDecoderLayer(4, 2, 8).Parameters.Select(p => p.Name).ToArray();
        Assert.Equal(new[]
        {
            "self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight", "self_attn.out_proj.bias",
            "multihead_attn.in_proj_weight", "multihead_attn.in_proj_bias", "multihead_attn.out_proj.weight", "multihead_attn.out_proj.bias",
            "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias",
            "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias", "norm3.weight", "norm3.bias",
        }, names);

        var dec = new TransformerDecoderLayer(4, 2, 8, dropout: 0.5, batchFirst: true, random: new Random(1));
        var x = Tensor.RandomNormal(new[] { 2, 3, 4 }, 6);
        var m = Tensor.RandomNormal(new[] { 2, 2, 4 }, 7);
        dec.Training = false;
        Assert.False(dec.SelfAttention.Training);
        Assert.False(dec.CrossAttention.Training);
        Close(dec.Forward(x, m).ToArray(), dec.Forward(x, m), 0);
        dec.Training = true;
        Assert.NotEqual(dec.Forward(x, m).ToArray(), dec.Forward(x, m).ToArray());
    }

    [Fact]
    public void WrongShapesAreNamed()
    {
        var dec = new TransformerDecoderLayer(4, 2, 8, batchFirst: true);
        var e = Assert.Throws<TensorShapeException>(() => dec.Forward(Tensor.Zeros(2, 3, 4), Tensor.Zeros(2, 5, 6)));
        Assert.Contains("multihead_attention", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TransformerDecoderLayer(4, 3));
    }

    public static TheoryData<DType, bool> Cases => new()
    {
        { DType.Float64, true }, { DType.Float32, true }, { DType.Float64, false }, { DType.Float32, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void FiniteDifferences(DType dtype, bool normFirst)
    {
        var tgt = Tensor.RandomNormal(new[] { 2, 3, 4 }, 7, dtype: dtype);
        var memory = Tensor.RandomNormal(new[] { 2, 4, 4 }, 8, dtype: dtype);
        var tgtPad = T(new[] { 2, 3 }, 0, 0, 1, 0, 0, 0);
        var memPad = T(new[] { 2, 4 }, 0, 0, 0, 1, 0, 1, 0, 0);
        var dec = new TransformerDecoderLayer(4, 2, 6, dropout: 0, activation: Activation.Gelu(), batchFirst: true, normFirst: normFirst,
            random: new Random(10), dtype: dtype);
        LayerCheck.Randomize(dec, 11);
        // d/d(target, parameters), then d/d(memory) through the cross-attention
        LayerCheck.Gradients(new Lambda(dec, t => dec.Forward(t, memory, null, null, tgtPad, memPad, tgtIsCausal: true)), tgt);
        LayerCheck.Gradients(new Lambda(dec, m => dec.Forward(tgt, m, null, null, tgtPad, memPad, tgtIsCausal: true)), memory);
    }

    /// <summary>A layer's parameters with another forward function (memory, masks).</summary>
    private sealed class Lambda : ILayer
    {
        private readonly ILayer _layer;
        private readonly Func<Tensor, Tensor> _f;
        public Lambda(ILayer layer, Func<Tensor, Tensor> f) => (_layer, _f) = (layer, f);
        public Tensor Forward(Tensor input) => _f(input);
        public System.Collections.Generic.IReadOnlyList<Parameter> Parameters => _layer.Parameters;
    }
}
